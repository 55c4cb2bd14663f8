"""The dashboard's figures as JSON, for the signed-in user's view scope."""

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from dashboard import selectors


class FiguresView(APIView):
    """GET /api/dashboard/figures/?as_of=&region=&unit=&leader=&task_force=&chain=&tier=&period= —
    the figures object (docs/figures.md) of the projects the user may view; 400 with Chinese messages
    per field on a bad parameter."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter(name, OpenApiTypes.STR, description=description)
            for name, description in (
                ("as_of", "统计日期 YYYY-MM-DD（默认今天；调度已停时为最后一轮的末日）"),
                ("period", "统计期：2024-03-H1、2024-03 或 2024"),
                ("region", "区划代码"),
                ("unit", "单位（编码、名称或 id）"),
                ("leader", "挂点领导（姓名或 id）"),
                ("task_force", "项目推进专班（名称或 id）"),
                ("chain", "产业链（名称或 id）"),
                ("tier", "重点层级，可重复：省重点 / 市重点 / 区重点 / 重大"),
                ("recorded_on", "按此日的记录（默认按现在的记录）"),
            )
        ],
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        try:
            parameters = selectors.parse_parameters(request.query_params)
            figures = selectors.dashboard_figures(request.user, parameters)
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
            return Response({"errors": errors}, status=400)
        return Response(figures.to_dict())
