from rest_framework.routers import DefaultRouter

from . import views

app_name = "org-api"

router = DefaultRouter()
router.register("regions", views.RegionViewSet)
router.register("units", views.UnitViewSet)
router.register("people", views.PersonViewSet)
router.register("leaders", views.LeaderViewSet)
router.register("task-forces", views.TaskForceViewSet)
router.register("task-force-members", views.TaskForceMemberViewSet)
router.register("peer-groups", views.PeerGroupViewSet)
router.register("roles", views.RoleViewSet)
router.register("users", views.UserViewSet)
router.register("grants", views.GrantViewSet)
urlpatterns = router.urls
