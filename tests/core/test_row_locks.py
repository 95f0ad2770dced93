"""The row-lock lint of tests/locking.py refuses a lock over a join without `of=`."""

import pytest

from governance.models import Commune
from tests.locking import UnscopedRowLock


@pytest.mark.django_db
def test_a_lock_over_a_join_without_of_is_refused(commune):
    from django.db import transaction

    with transaction.atomic(), pytest.raises(UnscopedRowLock, match="Commune"):
        Commune.objects.select_for_update().select_related("epci").get(pk=commune.pk)


@pytest.mark.django_db
def test_a_lock_of_its_own_row_passes(commune):
    from django.db import transaction

    with transaction.atomic():
        locked = Commune.objects.select_for_update(of=("self",)).select_related("epci")
        assert locked.get(pk=commune.pk).epci.name == commune.epci.name
        assert Commune.objects.select_for_update().get(pk=commune.pk) == commune
