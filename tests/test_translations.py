"""The translation workflow: states, the translator role, files in and out, the work pages."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from planwatch.accounts.models import Role
from planwatch.plans.models import Measure
from planwatch.reporting.models import Event, MeasureStatus, Round
from planwatch.translations import services
from planwatch.translations.exchange import read_exchange
from planwatch.translations.models import TranslationRecord
from planwatch.translations.texts import collect, find

from .factories import make_plan, make_user

PLAN = "nap-2021-2025"


def translator(plan, *languages, email="translator@example.org"):
    user = make_user(email)
    for language in languages:
        Role.objects.create(user=user, kind=Role.Kind.TRANSLATOR, plan=plan, language=language)
    return user


def measure_112(nap) -> Measure:
    return Measure.objects.get(plan=nap, number=112)


def export(tmp_path, lang="fr", fmt="xliff", only="all", name=None):
    out = tmp_path / (name or f"{lang}.{'xlf' if fmt == 'xliff' else 'xlsx'}")
    call_command(
        "translations", "export", "--plan", PLAN, "--lang", lang, "--format", fmt,
        "--only", only, "-o", str(out), stdout=io.StringIO(),
    )  # fmt: skip
    return out


def run_import(path, *extra):
    out = io.StringIO()
    call_command("translations", "import", str(path), "--plan", PLAN, *extra, stdout=out)
    return out.getvalue()


def snapshot(nap):
    return {unit.key: dict(unit.texts) for unit in collect(nap)}


def set_xliff_target(path, key, text):
    data = path.read_text()
    start = data.index(f'id="{key}"')
    target_open = data.index("<target", start)
    content_start = data.index(">", target_open) + 1
    content_end = data.index("</target>", content_start)
    path.write_text(data[:content_start] + text + data[content_end:])


# States ------------------------------------------------------------------------------------


def test_the_nap_is_fully_translated_and_recorded_as_dataset(nap):
    overview = services.overview(nap)
    for code in ("fr", "de", "en"):
        missing = sum(c["missing"] for c in overview.counts[code].values())
        outdated = sum(c["outdated"] for c in overview.counts[code].values())
        assert (missing, outdated) == (0, 0), code
        assert sum(c["translated"] for c in overview.counts[code].values()) > 700
    assert not any(overview.counts["nl"][group] for group in overview.counts["nl"])
    record = TranslationRecord.objects.get(
        unit=f"measure.{measure_112(nap).pk}.title", language="fr"
    )
    assert record.origin == TranslationRecord.Origin.DATASET
    assert record.source_language == "nl"


def test_a_changed_source_makes_its_translations_outdated(nap):
    measure = measure_112(nap)
    measure.title_nl = measure.title_nl + " (herzien)"
    measure.save()
    overview = services.overview(nap, state="outdated")
    assert {(row.unit.key, row.language) for row in overview.rows} == {
        (f"measure.{measure.pk}.title", code) for code in ("fr", "de", "en")
    }
    assert overview.counts["fr"]["measures"]["outdated"] == 1


def test_an_empty_language_is_missing(nap):
    measure = measure_112(nap)
    measure.description_de = ""
    measure.save()
    rows = services.overview(nap, language="de", state="missing").rows
    assert [row.unit.key for row in rows] == [f"measure.{measure.pk}.description"]


# The command line --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xliff", "xlsx"])
def test_importing_an_unchanged_export_changes_nothing(nap, tmp_path, fmt):
    path = export(tmp_path, fmt=fmt)
    before, records, events = (
        snapshot(nap),
        TranslationRecord.objects.count(),
        Event.objects.count(),
    )
    output = run_import(path)
    assert "nothing to import: 0 changed" in output
    assert snapshot(nap) == before
    assert TranslationRecord.objects.count() == records
    assert Event.objects.count() == events


def test_one_changed_unit_changes_exactly_that_text_and_records_it(nap, tmp_path):
    path = export(tmp_path)
    key = f"measure.{measure_112(nap).pk}.title"
    set_xliff_target(path, key, "Un titre revu par l'office de traduction")
    before = snapshot(nap)
    output = run_import(path)
    assert "imported: 1 changed" in output
    after = snapshot(nap)
    assert after[key]["fr"] == "Un titre revu par l'office de traduction"
    after[key]["fr"] = before[key]["fr"]
    assert after == before
    record = TranslationRecord.objects.get(unit=key, language="fr")
    assert record.origin == TranslationRecord.Origin.IMPORT
    event = Event.objects.get(action="translations.file.imported")
    assert event.data["changed"] == [key]


def test_a_translation_equal_to_the_source_is_recorded_as_copied(nap, tmp_path):
    path = export(tmp_path)
    unit = find(nap, f"measure.{measure_112(nap).pk}.title")
    set_xliff_target(path, unit.key, unit.texts["nl"])
    run_import(path)
    record = TranslationRecord.objects.get(unit=unit.key, language="fr")
    assert record.origin == TranslationRecord.Origin.COPIED


def test_a_unit_whose_source_changed_since_the_export_is_refused(nap, tmp_path):
    path = export(tmp_path)
    measure = measure_112(nap)
    key = f"measure.{measure.pk}.title"
    set_xliff_target(path, key, "Traduction d'un texte qui a changé")
    other = f"measure.{measure.pk}.description"
    set_xliff_target(path, other, "Une description nouvelle")
    Measure.objects.filter(pk=measure.pk).update(title_nl="Een nieuwe titel")
    output = run_import(path)
    assert f"refused {key}: its source text changed since the export" in output
    assert "imported: 1 changed" in output
    measure.refresh_from_db()
    assert measure.title_fr != "Traduction d'un texte qui a changé"
    assert measure.description_fr == "Une description nouvelle"


def test_the_xlsx_round_trip_changes_one_cell(nap, tmp_path):
    path = export(tmp_path, lang="de", fmt="xlsx")
    book = load_workbook(path)
    sheet = book["translations"]
    assert [c.value for c in sheet[1]] == ["unit", "fingerprint", "text", "nl", "de"]
    key = f"measure.{measure_112(nap).pk}.title"
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == key)
    row[4].value = "Ein neuer Titel"
    book.save(path)
    output = run_import(path)
    assert "imported: 1 changed" in output
    assert measure_112(nap).title_de == "Ein neuer Titel"


def test_only_missing_exports_the_missing_texts(nap, tmp_path):
    measure = measure_112(nap)
    Measure.objects.filter(pk=measure.pk).update(description_fr="")
    path = export(tmp_path, only="missing")
    units = read_exchange(path.read_bytes()).units
    assert [(u.key, u.target) for u in units] == [(f"measure.{measure.pk}.description", "")]


BROKEN = {
    "broken": b"<?xml version='1.0'?><xliff version='1.2'><file><body><trans-unit",
    "foreign": (
        b"<?xml version='1.0'?><xliff version='1.2' "
        b"xmlns='urn:oasis:names:tc:xliff:document:1.2'><file original='app.po' "
        b"source-language='nl' target-language='fr' datatype='po'><body>"
        b"<trans-unit id='1'><source>Hallo</source><target>Bonjour</target></trans-unit>"
        b"</body></file></xliff>"
    ),
    "not xml": b"Bonjour tout le monde",
    "xliff 2": (
        b"<?xml version='1.0'?><xliff version='2.0' xmlns='urn:oasis:names:tc:xliff:document:2.0'"
        b" srcLang='nl'><file id='f'></file></xliff>"
    ),
    "entities": (
        b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;'>]>"
        b"<xliff version='1.2'><file original='planwatch:nap-2021-2025'><body/></file></xliff>"
    ),
}


@pytest.mark.parametrize("kind", BROKEN)
def test_a_broken_or_foreign_xliff_gets_a_clear_error_and_changes_nothing(nap, tmp_path, kind):
    path = tmp_path / "file.xlf"
    path.write_bytes(BROKEN[kind])
    before = snapshot(nap)
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command(
            "translations", "import", str(path), "--plan", PLAN, stdout=io.StringIO(), stderr=err
        )
    message = err.getvalue()
    assert message.startswith("error: ")
    assert "Traceback" not in message
    assert snapshot(nap) == before


def test_a_file_for_the_source_language_or_another_plan_is_refused(nap, tmp_path, english):
    path = export(tmp_path)
    data = path.read_text()
    path.write_text(data.replace('target-language="fr"', 'target-language="nl"'))
    preview = services.import_file(path, nap)
    assert preview.errors == ["The source and the target language are the same."]
    other = make_plan(slug="other", measures=2)
    preview = services.import_file(export(tmp_path), other)
    assert "not of other" in preview.errors[0]


def test_dry_run_changes_nothing(nap, tmp_path):
    path = export(tmp_path)
    set_xliff_target(path, f"measure.{measure_112(nap).pk}.title", "Autre titre")
    before = snapshot(nap)
    assert "would import: 1 changed" in run_import(path, "--dry-run")
    assert snapshot(nap) == before


# The translator role -----------------------------------------------------------------------


def test_a_translator_for_french_cannot_change_dutch_nor_another_plan(nap):
    user = translator(nap, "fr")
    key = f"measure.{measure_112(nap).pk}.title"
    assert services.save_translation(nap, key, "fr", "Titre", user=user)
    for language in ("nl", "de"):
        with pytest.raises(services.TranslationRefused):
            services.save_translation(nap, key, language, "Titel", user=user)
    other = make_plan(slug="other", measures=2)
    other_key = f"measure.{other.measures.first().pk}.title"
    with pytest.raises(services.TranslationRefused):
        services.save_translation(other, other_key, "fr", "Titre", user=user)
    with pytest.raises(services.TranslationRefused):  # a key of another plan
        services.save_translation(nap, other_key, "fr", "Titre", user=user)


def test_a_coordinator_translates_every_language_but_never_the_source(nap, coordinator):
    key = f"measure.{measure_112(nap).pk}.title"
    assert services.save_translation(nap, key, "de", "Titel", user=coordinator)
    with pytest.raises(services.TranslationRefused):
        services.save_translation(nap, key, "nl", "Andere titel", user=coordinator)
    record = TranslationRecord.objects.get(unit=key, language="de")
    assert (record.origin, record.user) == (TranslationRecord.Origin.FORM, coordinator)


def test_a_translator_cannot_import_into_another_language(nap, tmp_path, english):
    user = translator(nap, "fr")
    preview = services.import_file(export(tmp_path, lang="de"), nap, user)
    assert preview.errors == ["You may not translate this plan's texts into de."]


def test_saving_an_outdated_translation_unchanged_confirms_it(nap, coordinator):
    measure = measure_112(nap)
    Measure.objects.filter(pk=measure.pk).update(title_nl="Nieuw")
    key = f"measure.{measure.pk}.title"
    assert services.overview(nap, language="fr", state="outdated").rows
    assert services.save_translation(nap, key, "fr", measure.title_fr, user=coordinator)
    assert not services.overview(nap, language="fr", state="outdated").rows


# The work pages ----------------------------------------------------------------------------


def status_url(plan="nap-2021-2025"):
    return reverse("translations:status", kwargs={"plan": plan})


def test_the_status_page_per_role(client, nap, coordinator, focal_a, assessor):
    response = client.get(status_url())
    assert response.status_code == 302  # to the log-in page
    for user in (focal_a, assessor):
        client.force_login(user)
        assert client.get(status_url()).status_code == 403
    client.force_login(translator(nap, "fr"))
    assert client.get(status_url()).status_code == 200
    other = make_plan(slug="other", measures=2)
    assert client.get(status_url(other.slug)).status_code == 403
    client.force_login(coordinator)
    response = client.get(status_url(), {"lang": "fr", "state": "translated", "kind": "measures"})
    assert response.status_code == 200
    rows = response.context["page"].object_list
    assert rows and all(r.language == "fr" and r.unit.group == "measures" for r in rows)


def test_the_status_page_lists_outdated_texts_with_their_edit_link(client, nap, coordinator):
    measure = measure_112(nap)
    Measure.objects.filter(pk=measure.pk).update(title_nl="Nieuw")
    client.force_login(coordinator)
    response = client.get(status_url(), {"state": "outdated"})
    edit = reverse(
        "translations:edit",
        kwargs={"plan": PLAN, "key": f"measure.{measure.pk}.title", "lang": "fr"},
    )
    assert edit in response.content.decode()


def test_the_status_page_queries(client, nap, coordinator, django_assert_num_queries):
    client.force_login(coordinator)
    # session, user, plan, roles, 11 kinds of text (one query each), the records
    with django_assert_num_queries(16):
        client.get(status_url())
    small = make_plan(slug="small", measures=3)
    Role.objects.create(user=coordinator, kind=Role.Kind.COORDINATOR, plan=small)
    with django_assert_num_queries(16):
        client.get(status_url("small"))


def test_the_edit_form_per_role(client, nap, focal_a):
    measure = measure_112(nap)
    url = reverse(
        "translations:edit",
        kwargs={"plan": PLAN, "key": f"measure.{measure.pk}.title", "lang": "fr"},
    )
    client.force_login(focal_a)
    assert client.get(url).status_code == 403
    client.force_login(translator(nap, "fr"))
    assert client.get(url).status_code == 200
    response = client.post(url, {"text": "Un nouveau titre"})
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.title_fr == "Un nouveau titre"
    assert client.post(url.replace("/fr/", "/nl/", 1).replace("/fr/", "/nl/")).status_code in (
        403,
        404,
    )
    nl = reverse(
        "translations:edit",
        kwargs={"plan": PLAN, "key": f"measure.{measure.pk}.title", "lang": "nl"},
    )
    assert client.post(nl, {"text": "Nieuw"}).status_code == 403
    measure.refresh_from_db()
    assert measure.title_nl != "Nieuw"


def test_upload_preview_and_confirm(client, nap, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    path = export(tmp_path)
    key = f"measure.{measure_112(nap).pk}.title"
    set_xliff_target(path, key, "Titre importé")
    upload = reverse("translations:upload", kwargs={"plan": PLAN})
    client.force_login(make_user("focal@example.org", role="focal_point", actor="fod-justitie"))
    assert client.get(upload).status_code == 403
    client.force_login(translator(nap, "de"))
    with path.open("rb") as f:
        response = client.post(upload, {"file": f})
    assert response.context["preview"].errors  # a German translator sends a French file
    assert response.context["token"] is None
    client.force_login(translator(nap, "fr", email="fr@example.org"))
    with path.open("rb") as f:
        response = client.post(upload, {"file": f})
    preview, token = response.context["preview"], response.context["token"]
    assert [c.unit.key for c in preview.changes] == [key]
    assert measure_112(nap).title_fr != "Titre importé"  # nothing before the confirmation
    confirm = reverse("translations:confirm", kwargs={"plan": PLAN, "token": token})
    assert client.post(confirm).status_code == 302
    assert measure_112(nap).title_fr == "Titre importé"
    assert client.post(confirm).status_code == 404  # used once


def test_an_uploaded_broken_file_shows_its_error(client, nap, coordinator, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    client.force_login(coordinator)
    upload = reverse("translations:upload", kwargs={"plan": PLAN})
    file = io.BytesIO(BROKEN["broken"])
    file.name = "broken.xlf"
    response = client.post(upload, {"file": file})
    assert response.status_code == 200
    [error] = response.context["preview"].errors
    assert "XLIFF" in error and "Couldn't find end of Start Tag trans-unit" in error


def test_the_export_download_per_role(client, nap, focal_a):
    url = reverse("translations:export", kwargs={"plan": PLAN})
    query = {"lang": "fr", "only": "all", "format": "xlsx"}
    client.force_login(focal_a)
    assert client.get(url, query).status_code == 403
    client.force_login(translator(nap, "fr"))
    response = client.get(url, query)
    assert response.status_code == 200
    assert read_exchange(response.content).target == "fr"
    assert client.get(url, {**query, "lang": "de"}).status_code == 404


# Breakdown labels --------------------------------------------------------------------------


def test_breakdown_labels_are_shown_in_the_page_language(client, nap):
    url = "/{}/plans/nap-2021-2025/indicators/zsg-centres-opened/"
    french = client.get(url.format("fr")).content.decode()
    assert "Liège" in french and "Luik" not in french
    german = client.get(url.format("de")).content.decode()
    assert "Lüttich" in german and "Luik" not in german
    assert "Luik" in client.get(url.format("nl")).content.decode()


def test_breakdown_labels_are_in_the_exports(client, nap):
    response = client.get("/fr/plans/nap-2021-2025/downloads/observations.csv")
    text = response.content.decode("utf-8-sig")
    header = text.splitlines()[0].split(",")
    assert {"breakdown_nl", "breakdown_fr", "breakdown_de", "breakdown_en"} <= set(header)
    luik = next(line for line in text.splitlines() if "Luik" in line)
    assert "Liège" in luik and "Lüttich" in luik


def test_the_coordinator_sees_published_texts_lacking_a_language(client, nap, coordinator):
    status = MeasureStatus.objects.filter(
        measure__plan=nap, round__state=Round.State.PUBLISHED
    ).first()
    MeasureStatus.objects.filter(pk=status.pk).update(narrative_de="")
    gaps = services.overview(nap).published_gaps
    assert [(unit.key, lacking) for unit, lacking in gaps] == [
        (f"status.{status.pk}.narrative", ["de"])
    ]
    client.force_login(coordinator)
    assert 'id="published-gaps"' in client.get(status_url()).content.decode()
    client.force_login(translator(nap, "de"))
    assert 'id="published-gaps"' not in client.get(status_url()).content.decode()


def test_a_validated_narrative_written_in_french_is_translated_into_dutch(nap, coordinator):
    from planwatch.reporting.models import Contribution

    status = MeasureStatus.objects.filter(measure__plan=nap).select_related("measure").first()
    actor = status.measure.actors.first()
    contribution = Contribution.objects.create(
        round=status.round,
        measure=status.measure,
        actor=actor,
        state=Contribution.State.VALIDATED,
        narrative_fr="Le centre a ouvert.",
    )
    key = f"contribution.{contribution.pk}.narrative"
    rows = services.overview(nap, language="nl", group="contributions").rows
    assert [(r.unit.key, r.state, r.source) for r in rows] == [(key, "missing", "fr")]
    assert services.save_translation(nap, key, "nl", "Het centrum is open.", user=coordinator)
    with pytest.raises(services.TranslationRefused):  # the French original stays as written
        services.save_translation(nap, key, "fr", "Autre texte", user=coordinator)
    contribution.refresh_from_db()
    assert (contribution.narrative_nl, contribution.version) == ("Het centrum is open.", 1)


def test_a_copied_translation_is_not_marked_as_a_fallback(client, nap, tmp_path):
    measure = measure_112(nap)
    path = export(tmp_path)
    set_xliff_target(path, f"measure.{measure.pk}.title", measure.title_nl)
    run_import(path)
    url = f"/fr/plans/nap-2021-2025/measures/{measure.number}/"
    heading = client.get(url).content.decode().split("<h1")[1].split("</main>")[0][:600]
    assert measure.title_nl in heading and 'class="fallback"' not in heading
    measure.refresh_from_db()
    measure.title_fr = ""
    measure.save()  # the untranslated title is a fallback, and says so
    heading = client.get(url).content.decode().split("<h1")[1].split("</main>")[0][:600]
    assert f'<span lang="nl">{measure.title_nl}</span> <span class="fallback">' in heading
