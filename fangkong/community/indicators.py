"""The community app's figures for the daily reports (see ``fangkong.core.indicators``)."""

from fangkong.core.indicators import Count, register

from .filters import relayed_on

PUBLICITY = {"group_zh": "宣传", "group_en": "Publicity"}

register(
    Count(
        "notices_relayed",
        "今日宣传通知传达网格",
        "Notices relayed in grids today",
        **PUBLICITY,
        model="community.NoticeRelay",
        where=relayed_on,
        url_name="community:relay-list",
        params=lambda day: {"date": day.isoformat()},
    ),
)
