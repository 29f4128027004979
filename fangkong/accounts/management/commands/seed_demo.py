from django.core.management import call_command

from fangkong.accounts.models import Membership, User
from fangkong.areas.demo import create_demo_grids
from fangkong.areas.models import Area
from fangkong.core.management.base import LoggedCommand
from fangkong.core.roles import Role
from fangkong.demo import seed_lived_in

DEMO_PASSWORD = "fangkong-demo"
ZHULINGUAN_VILLAGE = "611022106200"

# (user name, full name, role, area code); grid workers take the village's first two grids.
DEMO_USERS = [
    ("city_commander", "市指挥部 王指挥", Role.COMMANDER, "6110"),
    ("danfeng_officer", "丹凤县 李干部", Role.OFFICER, "611022"),
    ("shangnan_officer", "商南县 赵干部", Role.OFFICER, "611023"),
    ("zhulinguan_officer", "竹林关镇 陈干部", Role.OFFICER, "611022106"),
    ("zlg_village_officer", "竹林关村 刘书记", Role.OFFICER, ZHULINGUAN_VILLAGE),
    ("zlg_grid_worker_1", "竹林关村 张网格员", Role.GRID_WORKER, f"{ZHULINGUAN_VILLAGE}001"),
    ("zlg_grid_worker_2", "竹林关村 周网格员", Role.GRID_WORKER, f"{ZHULINGUAN_VILLAGE}002"),
    ("zlg_doctor", "竹林关村 孙村医", Role.DOCTOR, ZHULINGUAN_VILLAGE),
    ("danfeng_cdc", "丹凤县疾控中心 马医生", Role.CDC, "611022"),
]


class Command(LoggedCommand):
    help = "Demo grids (3-6 per village), demo users and a lived-in 竹林关镇 for Shangluo. Safe to repeat."

    def add_arguments(self, parser):
        parser.add_argument(
            "--empty", action="store_true", help="Only the grids and the users: no households, arrivals or cases."
        )

    def handle(self, *args, **options):
        if not Area.objects.filter(level=Area.Level.CITY).exists():
            call_command("import_divisions", stdout=self.stdout)
        made = create_demo_grids()
        self.stdout.write(f"{made} demo grids created")
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser("admin", password=DEMO_PASSWORD, full_name="系统管理员")
        for username, full_name, role, code in DEMO_USERS:
            user, created = User.objects.get_or_create(username=username, defaults={"full_name": full_name})
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            Membership.objects.get_or_create(user=user, area=Area.objects.get(code=code), role=role)
        if not options["empty"]:
            summary = seed_lived_in()
            self.stdout.write(f"Lived-in demo of 竹林关镇: {summary or 'seeded already'}")
        self.stdout.write(
            f"Demo logins (password {DEMO_PASSWORD}): admin, " + ", ".join(username for username, *_rest in DEMO_USERS)
        )
