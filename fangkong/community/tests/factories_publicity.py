"""Notices, refutations and answers for tests, in the areas of fangkong.core.testing.make_tree()."""

import datetime

from django.utils import timezone

from fangkong.community import services
from fangkong.community.models import Notice, Question, Rumour


def make_notice(area, title="春节期间不走亲访友", body="减少聚集，出门戴口罩。", days_ago=0, user=None):
    notice = Notice(
        area=area, title=title, body=body, published_on=timezone.localdate() - datetime.timedelta(days=days_ago)
    )
    return services.save_notice(notice, user)


def relay(notice, grid, user, methods=("door_to_door",), note="", relayed_at=None):
    return services.mark_relayed(notice, grid, user, methods, note, relayed_at)[0]


def make_rumour(area, claim="喝白酒能预防新冠病毒", published=True, **extra):
    rumour = Rumour(
        area=area,
        claim=claim,
        facts=extra.pop("facts", "饮酒不能预防新冠病毒感染。"),
        source=extra.pop("source", "商洛市卫生健康委员会"),
        published=published,
        **extra,
    )
    rumour.save()
    return rumour


def make_question(area, question="返乡人员需要居家观察几天？", answer="自抵达之日起居家观察14天。", published=True):
    entry = Question(area=area, question=question, answer=answer, published=published)
    entry.save()
    return entry
