"""Writing text safely into the HTML file.

Inside a <script> element the HTML parser ends the element at the first `</script` and treats
`<!--` specially, so neither may appear in anything embedded. JSON is escaped so they cannot;
bundled JavaScript and base64 are checked."""

import json
import re

_FORBIDDEN = re.compile(r"</script|<!--", re.IGNORECASE)


def check_embeddable(name: str, text: str) -> str:
    match = _FORBIDDEN.search(text)
    if match:
        raise ValueError(f"{name} contains {match.group(0)!r}, which would break the page")
    return text


def json_for_html(value) -> str:
    """JSON in ASCII (the page is windows-1252, builder/charset.py) whose text never contains `<`,
    so it is safe in any script element."""
    return json.dumps(value, separators=(",", ":")).replace("<", "\\u003c")


def script_block(element_id: str | None, text: str, *, type_: str, attrs: dict | None = None) -> str:
    attributes = [f'type="{type_}"']
    if element_id:
        attributes.append(f'id="{element_id}"')
    for key, value in (attrs or {}).items():
        attributes.append(f'{key}="{value}"')
    check_embeddable(element_id or str(attrs), text)
    return f"<script {' '.join(attributes)}>{text}</script>"
