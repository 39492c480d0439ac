"""Properties of the input hygiene, redaction and log masking: idempotent where that applies, and
nothing but a CoachError ever escapes, whatever text or bytes come in."""

from __future__ import annotations

import contextlib
import logging

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach.errors import CoachError, InputError
from coach.log import mask, setup_logging, text_ref
from coach.redact import Redactor, luhn_ok, redact
from coach.text import clean_input, decode_bytes

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
tricky = st.text(
    alphabet=st.one_of(
        st.characters(),
        st.sampled_from([*list(INVISIBLE), chr(917569), chr(917760), "\r", "\n", "́"]),
    ),
    max_size=300,
)


@FAST
@given(tricky, st.integers(min_value=1, max_value=400))
def test_clean_input_idempotent_and_typed(text: str, limit: int) -> None:
    try:
        once = clean_input(text, limit)
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    again = clean_input(once.text, limit)
    assert again.text == once.text
    assert again.removed == {}
    assert not any(c in once.text for c in INVISIBLE + chr(0xE0041) + chr(0xE0100))
    assert once.text.strip()
    once.text.encode("utf-8")  # no lone surrogate can reach a model or Chroma


@FAST
@given(st.binary(max_size=600))
def test_decode_bytes_only_raises_input_error(data: bytes) -> None:
    try:
        text = decode_bytes(data)
    except InputError:
        return
    assert isinstance(text, str)


@FAST
@given(st.text(max_size=200).filter(lambda s: "\x00" not in s))
def test_decode_bytes_round_trips_utf8_and_utf16(text: str) -> None:
    expected = text[1:] if text.startswith("\ufeff") else text
    if any(0xD800 <= ord(c) <= 0xDFFF for c in text):
        return  # not valid UTF-8: the policy reads it as Windows-1252 or Latin-1 (a finding says so)
    assert decode_bytes(text.encode("utf-8")) == expected
    with contextlib.suppress(InputError, UnicodeEncodeError):
        assert decode_bytes(b"\xff\xfe" + text.encode("utf-16-le")) == text.lstrip("\ufeff")


@FAST
@given(tricky)
def test_clean_input_bytes_never_crash(text: str) -> None:
    with contextlib.suppress(CoachError):
        clean_input(text.encode("utf-8", "surrogatepass"), 500)


@FAST
@given(st.text(max_size=200))
def test_redaction_round_trips(text: str) -> None:
    r = Redactor()
    red = r.redact(text)
    assert r.restore(red) == text or "[email " in text or "[phone " in text or "[card " in text
    assert redact(red).text == red or "[" in red  # redacting twice finds nothing new to hide


def test_redaction_finds_the_usual_suspects() -> None:
    text = (
        "Ask jane.doe@example.org or +44 20 7946 0958; card 4111 1111 1111 1111; "
        "not order 4111 1111 1111 1112, sprint 14, 1,200 patients, JIRA-1234 or 2024-03-03."
    )
    r = redact(text)
    assert set(r.counts) == {"email", "phone", "card"}
    for kept in ("4111 1111 1111 1112", "sprint 14", "1,200", "JIRA-1234", "2024-03-03"):
        assert kept in r.text
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")


@FAST
@given(st.text(max_size=100), st.text(alphabet="abcdefXYZ0123456789", min_size=8, max_size=40))
def test_mask_never_leaks_a_known_secret(prefix: str, secret: str) -> None:
    out = mask(f"{prefix} key={secret} Bearer {secret} sk-{secret} {secret}", [secret])
    assert secret not in out


def test_log_filter_masks_args_and_tracebacks(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    key = "sk-canary-" + "7" * 32
    monkeypatch.setenv("OPENAI_API_KEY", key)
    log_file = tmp_path / "coach.log"
    handler = setup_logging("DEBUG", filename=log_file)
    try:
        log = logging.getLogger("coach.test")
        log.debug("headers %s", {"Authorization": f"Bearer {key}"})
        try:
            raise RuntimeError(f"bad key {key}")
        except RuntimeError:
            log.exception("failed")
        log.info("update %s", text_ref("Held 4 standups with Jane"))
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
    body = log_file.read_text()
    assert key not in body and "canary-7777" not in body
    assert "RuntimeError" in body  # the traceback is kept, masked
    assert "Jane" not in body and "len=25" in body
