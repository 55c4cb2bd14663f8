app_name = "lights"

urlpatterns = []
