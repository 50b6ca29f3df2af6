"""The nightly generation and the e-service token, from the command line."""

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command

from sinba.models import Ente, Flow

from .conftest import give_sedt_code, make_ente, sinba_family

pytestmark = pytest.mark.django_db


def test_sinba_generate_makes_the_flows_of_every_ambito_with_an_ente(world):
    make_ente(world.ambito)
    give_sedt_code()
    sinba_family(world)
    out = io.StringIO()
    call_command("sinba_generate", stdout=out)
    assert "TST" in out.getvalue() and Flow.objects.filter(state=Flow.State.READY).count() == 1


def test_sinba_token_prints_a_token_once_and_keeps_its_hash(world):
    make_ente(world.ambito)
    out = io.StringIO()
    call_command("sinba_token", "TST", stdout=out)
    token = out.getvalue().strip()
    assert len(token) >= 40
    assert Ente.objects.get().eservice_token_hash == hashlib.sha256(token.encode()).hexdigest()
    with pytest.raises(CommandError):
        call_command("sinba_token", "OTH")
