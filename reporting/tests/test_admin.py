"""The Django admin lists and opens every quality model, and never shows a link's token or hash."""

import pytest
from django.urls import reverse

MODELS = [
    "satisfactionsurvey",
    "surveyresponse",
    "surveylinkbatch",
    "complaint",
    "qualitycontrol",
    "impactindicator",
]


@pytest.mark.parametrize("model", MODELS)
def test_admin_lists_and_opens_each_model(world, quality, client_for, model):
    client = client_for(world.users.admin)
    response = client.get(reverse(f"admin:reporting_{model}_changelist") + "?q=a")
    assert response.status_code == 200
    first = response.context["cl"].result_list[0]
    assert client.get(reverse(f"admin:reporting_{model}_change", args=[first.pk])).status_code == 200


def test_admin_shows_no_token_of_a_link(world, quality, client_for):
    page = (
        client_for(world.users.admin)
        .get(reverse("admin:reporting_surveylinkbatch_change", args=[quality.batch.pk]))
        .content.decode()
    )
    for link in quality.batch.links.all():
        assert link.token not in page and link.token_hash not in page and link.nonce not in page
