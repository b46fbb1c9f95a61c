from django.urls import reverse
from departments.models import Department, Region
from indicators.models import Figure, Indicator
from indicators.services import progress_recompute

def test_explore(client, plan, head, leader, outsider):
    Figure.objects.create(indicator=Indicator.objects.get(code="STRAW_USE"), year=2020, measure="level", value=80, status="approved")
    Figure.objects.create(indicator=Indicator.objects.get(code="STRAW_USE"), year=2021, measure="level", value=85, status="approved")
    Figure.objects.create(indicator=Indicator.objects.get(code="EI_GDP"), region=Region.objects.get(name="鲅鱼圈区"), year=2021, measure="change_rate", value=-3.1, status="approved")
    Figure.objects.create(indicator=Indicator.objects.get(code="COD"), region=Region.objects.get(name="鲅鱼圈区"), year=2021, measure="amount", value=300, status="approved")
    progress_recompute()
    eco = Department.objects.get(name="市生态环境局")
    client.force_login(head)
    r = client.get(reverse("reporting:department", args=[eco.pk]))
    print(r.status_code)
    open("/tmp/dept.html","w").write(r.content.decode())
    r = client.get(reverse("reporting:department", args=[Department.objects.get(name="市住建局").pk]))
    print("other", r.status_code)
    client.force_login(leader)
    r = client.get(reverse("reporting:region", args=[Region.objects.get(name="鲅鱼圈区").pk]))
    open("/tmp/region.html","w").write(r.content.decode())
    r = client.get(reverse("reporting:report"))
    open("/tmp/report.html","w").write(r.content.decode())
    print(r.status_code)
