"""A small county for the dashboard tests: two projects of 唐江镇 (township A) and one of 凤岗镇
(township B), the last June week of 2024 reported, and the lights of that round recorded."""

import datetime
from decimal import Decimal

from lights import services as light_services
from lights.tests.helpers import EXAMPLE_A, LAST_JUNE_WEEK, open_week, project, report, weekly

AS_OF = datetime.date(2024, 6, 30)


def _at(longitude, latitude):
    return {"longitude": Decimal(longitude), "latitude": Decimal(latitude)}


def build_june(world):
    """Returns {"furniture", "solar", "fenggang", "round"}.

    Plans and year-to-date (万元): 唐江家具产业园 1,200 / 300, 唐江光伏组件 1,200 / 100 (unit A),
    凤岗电子信息 1,000 / 500 (unit B). On 30 June 序时进度 is 50.00 %; with example (a) of the lights
    唐江家具产业园 is yellow (25 points behind), 唐江光伏组件 red (41.67 behind), 凤岗电子信息 green."""
    light_services.save_ruleset(EXAMPLE_A, actor=world.office, note="按 2024 年考核办法")
    furniture = project(world, "唐江家具产业园", plan="1200", region=world.region_a, **_at("114.61", "25.83"))
    solar = project(world, "唐江光伏组件", plan="1200", region=world.region_a, **_at("114.66", "25.80"))
    fenggang = project(
        world, "凤岗电子信息", plan="1000", unit=world.unit_b, region=world.region_b, **_at("114.78", "25.62")
    )
    dispatch_round = open_week(weekly(world), LAST_JUNE_WEEK)
    report(dispatch_round, furniture, year_to_date="300")
    report(dispatch_round, solar, year_to_date="100")
    report(dispatch_round, fenggang, year_to_date="500")
    light_services.record_round_lights(dispatch_round, actor=world.office)
    return {"furniture": furniture, "solar": solar, "fenggang": fenggang, "round": dispatch_round}
