"""How Chinese administrative regions are written: the levels, the names without a level or (an autonomous
division) by place and level, and the words that look like regions but refer instead of naming (全区, 本市).

The entity rules propose regions from it, the metadata finds a document's place in its issuer's name,
and resolution splits and canonicalises region names with it.
"""
from __future__ import annotations

import csv
import importlib.util
import re
from functools import lru_cache
from pathlib import Path

# The levels a bureau's own region is written with (海门区, 南通市, 南县, 江苏省).
REGION_LEVELS = "省市区县"
# The administrative levels a place name ends in (内蒙古自治区, 延边朝鲜族自治州, 正蓝旗), longest first.
ADMIN_LEVELS = "(?:自治区|自治州|省|市|州|盟|区|县|旗)"
# What makes 全区, 本市, 我县, 各区, 该县 refer to a region instead of naming one.
REFERRING = "全本我各该"
_LEVEL_SUFFIX = re.compile(r"(?:特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|自治县|自治旗|林区|地区|新区|"
                           r"矿区|特区|盟|省|市|区|县|旗)$")


def without_level(name: str) -> str:
    """海门区 → 海门, 锡林郭勒盟 → 锡林郭勒: the name as it is also written alone."""
    return _LEVEL_SUFFIX.sub("", name)


def _adcodes() -> Path:
    spec = importlib.util.find_spec("cpca")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("the region gazetteer needs the cpca package (pip install cpca)")
    return Path(spec.origin).parent / "resources" / "adcodes.csv"


# China's 55 minority nationalities, which an autonomous prefecture, county or banner names after its place
# (巍山彝族回族自治县); a one-character name only with 族, so that it does not eat the place (大理白族).
_LONG_NATIONALITIES = ("蒙古|维吾尔|布依|朝鲜|土家|哈尼|哈萨克|傈僳|高山|拉祜|东乡|纳西|景颇|柯尔克孜|达斡尔|仫佬|布朗|撒拉|"
                       "毛南|仡佬|锡伯|阿昌|普米|塔吉克|乌孜别克|俄罗斯|鄂温克|德昂|保安|裕固|塔塔尔|独龙|鄂伦春|赫哲|门巴|"
                       "珞巴|基诺")
_SHORT_NATIONALITIES = "回藏苗彝壮满侗瑶白傣黎佤畲水土羌怒京各"  # 各族: 隆林各族自治县
_AUTONOMOUS = re.compile(rf"^(?P<place>[^族]{{2,}}?)族?(?:(?:{_LONG_NATIONALITIES})族?|[{_SHORT_NATIONALITIES}]族)*"
                         r"自治(?P<level>[州县旗])$")


def by_place(name: str) -> str | None:
    """An autonomous division by its place and level, as bureaus write it (大理白族自治州 → 大理州, 丰宁满族自治县
    → 丰宁县, 东乡族自治县 → 东乡县); None for any other name.  (The place alone is often a word too: 互助, 通道.)"""
    m = _AUTONOMOUS.match(name)
    return m.group("place") + m.group("level") if m else None


def common_forms(name: str) -> list[str]:
    """How a division is also written: without its level (海门区 → 海门) and, if autonomous, `by_place`."""
    short = without_level(name)
    return [form for form in (short if len(short) >= 2 else None, by_place(name)) if form]


@lru_cache(maxsize=1)
def region_names() -> frozenset[str]:
    """China's administrative divisions down to county level, from the data file the `cpca`
    package ships (adcodes.csv, read as data: importing cpca needs setuptools' pkg_resources),
    each by its full name (海门区) and its common forms: the gazetteer the entity tagger reads."""
    names: set[str] = set()
    with open(_adcodes(), encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            name = row["name"].strip()
            names.update([name, *common_forms(name)])
    return frozenset(names)


# Regions that are not written with a 省/市/区/县 suffix.
KNOWN_REGIONS: tuple[str, ...] = (
    "长三角", "京津冀", "珠三角", "粤港澳大湾区", "京津", "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁",
    "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "海南",
    "四川", "贵州", "云南", "陕西", "甘肃", "青海", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门",
    "台湾",
)

# Words ending in 省/市/区/县 that are not regions.
NOT_REGIONS: frozenset[str] = frozenset("""
全省 本省 外省 全市 本市 大市 城市 都市 超市 股市 全区 本区 城区 园区 社区 校区 片区 新区 地区 辖区 景区 山区 郊区 老区
市区 县区 区县 街区 教区 政区 小区 强区 示范区 实验区 试验区 先行区 引领区 责任区 服务区 发展区 普惠区 均衡区 集聚区
功能区 保护区 全县 本县 外县 市县 省市 强县 示范县
""".split())
