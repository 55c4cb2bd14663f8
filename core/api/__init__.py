"""REST API machinery shared by every app: permissions, pagination, base viewset and serializer."""
