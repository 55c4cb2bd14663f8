"""Reporting pages: a unit's open reports, the phone-first fill form with photos, and the office's
review actions on a report."""

from core import views as generic
from dispatch.models import ProgressReport


class ProgressReportDetailView(generic.ObjectDetailView):
    queryset = ProgressReport.objects.all()


urlpatterns = []
