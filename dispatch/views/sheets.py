"""Excel round-trip pages of a round: the unit's pre-filled sheet, upload → preview → commit."""

urlpatterns = []
