from .views import reporting, sheets

app_name = "dispatch"

urlpatterns = []
# Reporting pages: my reports, the fill form, review actions (dispatch/views/reporting.py).
urlpatterns += reporting.urlpatterns
# The Excel round-trip pages (dispatch/views/sheets.py).
urlpatterns += sheets.urlpatterns
