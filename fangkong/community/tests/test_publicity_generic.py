"""The generic record-type tests (core.testing_cases) for notices, their marks, refutations and answers."""

from fangkong.community.models import Notice, NoticeRelay, Question, Rumour
from fangkong.community.tests.factories_publicity import make_notice, make_question, make_rumour, relay
from fangkong.core import testing_cases as cases

_WEB = (cases.ListTests, cases.DetailTests, cases.AddTests, cases.EditTests, cases.DeleteTests, cases.ExportTests)
_API = (cases.APIListTests, cases.APIRetrieveTests, cases.APICreateTests, cases.APIUpdateTests, cases.APIDeleteTests)


def _urls(name):
    return {
        "list": f"community:{name}-list",
        "detail": f"community:{name}",
        "add": f"community:{name}-add",
        "edit": f"community:{name}-edit",
        "delete": f"community:{name}-delete",
    }


class TestNotices(cases.RecordTypeTests, *_WEB, *_API):
    model = Notice
    url_names = _urls("notice")
    api_basename = "notice"
    # The village publishes; its grid worker reads (and relays) it, the doctor reads it.
    reader, writer, read_only, deleter = "grid_worker", "village_officer", "doctor", "village_officer"
    changed_field = "title"
    export_header, export_attribute = "Title", "title"

    def make(self, tree, people):
        return make_notice(tree.village)

    def form_data(self, tree, people):
        return {
            "area": tree.village.pk,
            "title": "做好春耕防疫",
            "body": "分散作业，不聚集。",
            "published_on": "2020-02-02",
        }

    def api_payload(self, tree, people):
        return {**self.form_data(tree, people), "area": tree.village.code}


class TestRelays(cases.RecordTypeTests, cases.ListTests, cases.ExportTests):
    model = NoticeRelay
    url_names = {"list": "community:relay-list"}
    export_header, export_attribute = "Note", "note"

    def make(self, tree, people):
        return relay(make_notice(tree.village), tree.grid, people.grid_worker, note="已入户宣传")


class TestRumours(cases.RecordTypeTests, *_WEB, *_API):
    model = Rumour
    url_names = _urls("rumour")
    api_basename = "rumour"
    reader, writer, read_only, deleter = "grid_worker", "village_officer", "doctor", "village_officer"
    changed_field = "source"
    export_header, export_attribute = "Rumour", "claim"

    def make(self, tree, people):
        return make_rumour(tree.village)

    def form_data(self, tree, people):
        return {
            "area": tree.village.pk,
            "claim": "村口封路不让买菜",
            "facts": "超市照常营业，凭出入证购物。",
            "source": "竹林关镇人民政府",
            "refuted_on": "2020-02-02",
            "published": "on",
        }

    def api_payload(self, tree, people):
        return {**self.form_data(tree, people), "area": tree.village.code, "published": True}


class TestQuestions(cases.RecordTypeTests, *_WEB, *_API):
    model = Question
    url_names = _urls("question")
    api_basename = "question"
    reader, writer, read_only, deleter = "grid_worker", "village_officer", "doctor", "village_officer"
    changed_field = "question"
    export_header, export_attribute = "Question", "question"

    def make(self, tree, people):
        return make_question(tree.village)

    def form_data(self, tree, people):
        return {
            "area": tree.village.pk,
            "question": "外地车辆能进村吗？",
            "answer": "登记后方可进入。",
            "published": "on",
        }

    def api_payload(self, tree, people):
        return {**self.form_data(tree, people), "area": tree.village.code, "published": True}
