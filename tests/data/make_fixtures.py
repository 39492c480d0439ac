"""Regenerate tests/data/formats/: one small strategy document per format, plus broken ones.

.venv/bin/python tests/data/make_fixtures.py
"""

from __future__ import annotations

from pathlib import Path

OUT = Path(__file__).resolve().parent / "formats"


def pdf(pages: list[list[str]], title: str) -> bytes:
    """A minimal valid PDF (Helvetica text, one object per page), xref offsets computed."""
    objs: list[bytes] = []
    n = len(pages)
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(n))
    objs.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objs.append(f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode())
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i, lines in enumerate(pages):
        body = "BT /F1 11 Tf 72 740 Td 14 TL " + " ".join(
            "(" + s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") '"
            for s in lines
        )
        stream = (body + " ET").encode("latin-1")
        objs.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>".encode()
        )
        objs.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objs.append(f"<< /Title ({title}) >>".encode())
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + o + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (
        f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R /Info {len(objs)} 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


def docx(path: Path) -> None:
    import docx as d

    doc = d.Document()
    doc.core_properties.title = "Estates Board Paper"
    doc.add_heading("Estates Board Paper", level=0)
    doc.add_heading("Net zero buildings {#estate}", level=1)
    doc.add_paragraph(
        "We will cut carbon emissions from our buildings by 40% by 2028 by replacing gas "
        "boilers with heat pumps at Meadowbank and insulating the east wing."
    )
    doc.add_heading("Staff wellbeing {#workforce}", level=1)
    doc.add_paragraph("Rest areas on every ward so night staff can take a proper break.")
    table = doc.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Target", "By"
    table.cell(1, 0).text, table.cell(1, 1).text = "Vacancy rate below 6%", "March 2029"
    doc.save(str(path))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "board-paper.pdf").write_bytes(
        pdf(
            [
                [
                    "Finance recovery",
                    "We will return to a recurrent surplus by March 2028,",
                    "saving 18 million pounds through fewer agency shifts.",
                ],
                [
                    "Community partnership",
                    "Social prescribing link workers in every",
                    "neighbourhood so 5,000 more residents reach local support.",
                ],
            ],
            "Board Paper on Finance",
        )
    )
    docx(OUT / "estates.docx")
    (OUT / "digital.html").write_text(
        "<!doctype html><html><head><title>Digital Plan</title>"
        '<meta name="pillars" content="digital,access"><style>p{color:red}</style>'
        "<script>var secret = 'not text';</script></head><body>"
        "<h1>Digital Plan</h1><nav>Home | About</nav>"
        '<h2 id="digital">Online booking</h2><p>Patients book, change and cancel '
        "appointments in the Larkspur app, so 60% of bookings move online.</p>"
        '<h2 id="intro-anchor">Why now</h2><p>Phone lines are &amp; were overloaded.</p>'
        '<h3 data-pillar="access">Shorter waits</h3><ul><li>Same-week clinic appointments'
        "</li><li>Fewer missed appointments</li></ul></body></html>",
        encoding="utf-8",
    )
    (OUT / "notes.txt").write_text(
        "Our people plan.\n\nWe will bring the vacancy rate below 6% and cut agency spend.\n\n"
        "Every nurse gets a preceptorship in the first year.\n",
        encoding="utf-8",
    )
    (OUT / "okrs.md").write_text(
        "---\ntitle: Team OKRs\npillars: [community]\n---\n# Team OKRs\n\n"
        "## Objective one\n\nReach 5,000 residents through social prescribing.\n",
        encoding="utf-8",
    )
    broken = OUT.parent / "broken"
    broken.mkdir(exist_ok=True)
    (broken / "truncated.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pag")
    (broken / "not-a-zip.docx").write_bytes(b"PK\x03\x04 this is not really a word file")


if __name__ == "__main__":
    main()
