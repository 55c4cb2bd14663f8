from django.db import models


class RegionLevel(models.TextChoices):
    PROVINCE = "province", "省级"
    PREFECTURE = "prefecture", "地级"
    COUNTY = "county", "县级"
    TOWNSHIP = "township", "乡级"
    FUNCTIONAL_ZONE = "functional_zone", "功能区"


class RegionKind(models.TextChoices):
    PROVINCE = "province", "省"
    PREFECTURE_CITY = "prefecture_city", "地级市"
    DISTRICT = "district", "市辖区"
    COUNTY = "county", "县"
    COUNTY_CITY = "county_city", "县级市"
    SUBDISTRICT = "subdistrict", "街道"
    TOWN = "town", "镇"
    TOWNSHIP = "township", "乡"
    ETHNIC_TOWNSHIP = "ethnic_township", "民族乡"
    INDUSTRIAL_PARK = "industrial_park", "工业园区"
    DEVELOPMENT_ZONE = "development_zone", "经济技术开发区"
    HIGH_TECH_ZONE = "high_tech_zone", "高新技术产业开发区"
    NEW_AREA = "new_area", "新区"


class UnitKind(models.TextChoices):
    PARTY_COMMITTEE = "party_committee", "党委及其工作机关"
    GOVERNMENT = "government", "人民政府"
    DEPARTMENT = "department", "政府部门"
    TOWNSHIP = "township", "乡镇（街道）"
    PARK_COMMITTEE = "park_committee", "园区管委会"
    STATE_ENTERPRISE = "state_enterprise", "国有企业"
    PUBLIC_INSTITUTION = "public_institution", "事业单位"
    DISCIPLINE = "discipline", "纪检监察机关"
    OTHER = "other", "其他"


class LeaderRank(models.TextChoices):
    BUREAU = "bureau", "正厅级"
    DEPUTY_BUREAU = "deputy_bureau", "副厅级"
    DIVISION = "division", "正处级"
    DEPUTY_DIVISION = "deputy_division", "副处级"
    SECTION = "section", "正科级"
    DEPUTY_SECTION = "deputy_section", "副科级"


class MemberDuty(models.TextChoices):
    LEAD = "lead", "组长"
    DEPUTY_LEAD = "deputy_lead", "副组长"
    MEMBER = "member", "成员"
    LIAISON = "liaison", "联络员"
