"""The briefing renders with every image embedded; its PDF has the expected pages and headings."""

import base64
import re
import subprocess

import pytest
from pypdf import PdfReader

from secnet.errors import InvalidInput
from secnet.reports.briefing import write_briefing

from .test_analytics import build


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("brief")
    return write_briefing(build(), "2020-01-01", out, pdf=True)


def test_html_is_self_contained(written):
    html = written[0].read_text()
    srcs = re.findall(r'<img[^>]*src="([^"]+)"', html)
    assert len(srcs) >= 3
    for src in srcs:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    for heading in ("1. What exists", "2. Which partners matter most", "3. Who should work together", "4. Does a format divide",
                    "5. Who holds allies' pledges", "Appendix A. Members", "Appendix B. Partners by framework",
                    "Appendix C. Formats around NATO", "Appendix D. The back door", "Appendix E. The network",
                    "Appendix G. Method and caveats", "Appendix H. Sources"):
        assert heading.replace("'", "&#39;") in html
    assert "AUS" in html and "political" in html


def test_pdf_pages_and_headings(written):
    pdf = written[1]
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 2
    text = "\n".join(p.extract_text() for p in reader.pages)
    for heading in ("Members", "Partners by framework", "The back door", "The network", "Sources"):
        assert heading in text
    png = subprocess.run(["pdftoppm", "-png", "-r", "30", "-f", "1", "-l", "1", str(pdf), str(pdf.with_suffix(""))],
                         capture_output=True)
    assert png.returncode == 0


def test_unwritable_output(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(InvalidInput, match="cannot create directory"):
        write_briefing(build(), "2020-01-01", blocker / "sub")
