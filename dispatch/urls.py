from .views import sheets

app_name = "dispatch"

urlpatterns = []
# The Excel round-trip pages (dispatch/views/sheets.py).
urlpatterns += sheets.urlpatterns
