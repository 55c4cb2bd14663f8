"""The OpenAPI schema (接口文档), generated once per server process: drf-spectacular walks every
endpoint, serializer and filter set on each request (several seconds for this API), while the API does
not change as long as the process runs."""

import threading

from django.utils import translation
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response

_schemas = {}
_lock = threading.Lock()


class SchemaView(SpectacularAPIView):
    """SpectacularAPIView whose generated schema is kept per API version and language."""

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (version, translation.get_language())
        with _lock:  # one generation at a time; the others wait for it and reuse it
            schema = _schemas.get(key)
            if schema is None:
                generator = self.generator_class(
                    urlconf=self.urlconf, api_version=version, patterns=self.patterns
                )
                schema = _schemas[key] = generator.get_schema(request=request, public=self.serve_public)
        return Response(
            data=schema,
            headers={"Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'},
        )
