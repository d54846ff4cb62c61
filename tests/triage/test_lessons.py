"""A manager's corrections teach the engine about that product's later threads: kept in
the database, shown in the audit trail, withdrawn when the merge is undone."""

import pytest

from tests.factories import ManagerFactory
from tests.triage.reports import A55, RN13P
from triage import index, services, wording
from triage.engine.clustering import APART, LINK_CEILING, LINK_THRESHOLD
from triage.models import Cluster, Lesson, ThreadTriage, TriageEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _cluster(thread) -> Cluster:
    return Cluster.objects.get(pk=ThreadTriage.objects.get(thread=thread).cluster_id)


@pytest.fixture
def slang_and_standard(post):
    """One problem written two ways that share no word: two clusters, as the engine sees
    it before anyone teaches it."""
    slang = post("hp ngelek", "ngelek ngelek")
    standard = post("hp lemot banget", "lemot lemot pas buka kamera")
    assert _cluster(slang) != _cluster(standard)
    return slang, standard


def test_a_merge_teaches_and_later_reports_of_that_product_follow_it(post, slang_and_standard):
    slang, standard = slang_and_standard
    manager = ManagerFactory()
    record = services.merge_clusters(_cluster(standard), _cluster(slang), actor=manager)

    lesson = Lesson.objects.get(merge=record)
    assert lesson.ties == [["ngelek", "lemot"]] or lesson.ties == [["lemot", "ngelek"]]
    assert lesson.taught_by == manager and lesson.product.marketing_name == A55
    event = TriageEvent.objects.get(action="learned", cluster=record.kept)
    text = wording.event_text(event)
    assert "“ngelek = lemot”" in text or "“lemot = ngelek”" in text

    later = post("ngelek terus", "ngelek ngelek")
    assert ThreadTriage.objects.get(thread=later).cluster_id == record.kept_id
    # Another phone learned nothing from it.
    elsewhere = post("ngelek terus", "ngelek ngelek", product=RN13P)
    assert ThreadTriage.objects.get(thread=elsewhere).cluster_id != record.kept_id


def test_undoing_the_merge_withdraws_the_lesson(post, slang_and_standard):
    slang, standard = slang_and_standard
    record = services.merge_clusters(_cluster(standard), _cluster(slang), actor=ManagerFactory())
    services.unmerge(record, actor=ManagerFactory())
    assert Lesson.objects.get(merge=record).withdrawn_at is not None
    assert index.stored_lessons() == []
    assert TriageEvent.objects.filter(action="unlearned", cluster=record.kept).exists()
    later = post("ngelek terus", "ngelek ngelek")
    assert ThreadTriage.objects.get(thread=later).cluster_id != record.kept_id


def test_a_split_raises_the_products_link_threshold(post):
    a = post("Sinyal hilang", "sinyal hilang no service")
    b = post("Sinyal hilang lagi", "sinyal hilang no service terus")
    assert _cluster(a) == _cluster(b)
    services.move_threads([b.pk], None, actor=ManagerFactory())
    lesson = Lesson.objects.get(source="split")
    assert lesson.apart_at > 0.3 and not lesson.ties
    event = TriageEvent.objects.get(action="learned")
    assert event.data["link"] == min(LINK_CEILING, lesson.apart_at + APART) > LINK_THRESHOLD
    assert "apart" in wording.event_text(event)
