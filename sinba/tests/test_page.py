"""The Ufficio di Piano's page of the return: counts by state, the invalid flows with their field and reason, the
ZIP of the valid flows; generation and download written in the access log; the same number of queries at 1 and
30 flows."""

import io
import zipfile

import pytest
from django.urls import reverse

from families.models import AccessLog, Member
from sinba import xml
from sinba.models import Flow

from .conftest import give_sedt_code, make_ente, sinba_family

pytestmark = pytest.mark.django_db


@pytest.fixture
def udp(world, client_for):
    make_ente(world.ambito)
    give_sedt_code()
    return client_for(world.users.ufficio_piano)


def generate(client, world):
    response = client.post(reverse("sinba:generate", args=[world.ambito.pk]))
    assert response.status_code == 302
    return response


def test_the_page_counts_flows_by_state_and_lists_the_reasons(world, udp):
    complete = sinba_family(world)
    gap = sinba_family(world)
    gap.members.filter(kind=Member.Kind.MINORE).update(sinba_living_place="")
    generate(udp, world)
    page = udp.get(reverse("sinba:flows", args=[world.ambito.pk]))
    states = {value: count for value, _label, count in page.context["states"]}
    assert states == {"ready": 1, "invalid": 1, "sent": 0, "accepted": 0, "refused": 0}
    text = page.content.decode()
    assert "LuogoVita" in text and "Manca dove vive il minore." in text
    assert complete.code in text and gap.code in text
    invalid_only = udp.get(reverse("sinba:flows", args=[world.ambito.pk]), {"stato": "invalid"})
    assert [f.family_id for f in invalid_only.context["page"]] == [gap.pk]
    # A state that does not exist lists everything, it is not an error.
    assert udp.get(reverse("sinba:flows", args=[world.ambito.pk]), {"stato": "x'--"}).status_code == 200


def test_no_name_reaches_the_ufficio_di_piano_s_page(world, udp):
    family = sinba_family(world)
    generate(udp, world)
    text = udp.get(reverse("sinba:flows", args=[world.ambito.pk])).content.decode()
    for member in Member.objects.filter(family=family):
        assert member.first_name not in text and member.last_name not in text


def test_the_zip_holds_the_valid_flows_and_the_download_is_logged(world, udp):
    family = sinba_family(world, children=2)
    gap = sinba_family(world)
    gap.members.filter(kind=Member.Kind.MINORE).update(sinba_school="")
    generate(udp, world)
    assert set(AccessLog.objects.filter(action=AccessLog.Action.EXPORT).values_list("family_id", flat=True)) == {
        family.pk,
        gap.pk,
    }
    response = udp.get(reverse("sinba:download", args=[world.ambito.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    valid = set(Flow.objects.filter(state=Flow.State.READY).values_list("flow_id", flat=True))
    assert {name.removesuffix(".xml") for name in archive.namelist()} == valid and len(valid) == 2
    for name in archive.namelist():
        xml.schema().validate(archive.read(name).decode())
    downloads = AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD)
    assert set(downloads.values_list("family_id", flat=True)) == {family.pk}
    assert not downloads.filter(identities_shown=True).exists()


def test_the_page_makes_as_many_queries_at_1_and_30_flows(world, udp, count_queries):
    url = reverse("sinba:flows", args=[world.ambito.pk])
    sinba_family(world)
    generate(udp, world)
    with_one = count_queries(lambda: udp.get(url))
    for _ in range(10):
        sinba_family(world, children=3)
    generate(udp, world)
    assert Flow.objects.count() == 31
    with_thirty = count_queries(lambda: udp.get(url))
    assert with_one == with_thirty <= 12, (with_one, with_thirty)
