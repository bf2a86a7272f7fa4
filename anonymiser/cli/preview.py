"""``anonymiser preview OUT.return``: what a return takes out of the authority, checked.

The return's signature is verified with this authority's own public keys (as the hub
will verify it), what leaves is read back from the payload, and the raw side of the
preview comes from ``OUT.preview.json`` when it is beside the return.

Exit status: 0 shown; 2 the return cannot be read, does not verify, or the keyring is
missing.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from anonymiser.cli.prepare import config_option, keyring_option, stdout_console
from anonymiser.config import load_settings
from anonymiser.errors import AnonymiserError
from anonymiser.preview import preview_return, render_html, render_text


@click.command()
@click.argument("return_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--html",
    "html_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write the preview as one HTML page to this file.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the preview document as JSON.")
@config_option
@keyring_option
def preview(
    return_file: Path,
    html_file: Path | None,
    as_json: bool,
    config_file: Path | None,
    keyring_dir: Path | None,
) -> None:
    """Show what RETURN_FILE takes out of the authority, after checking its signature.

    Exit status: 0 shown, 2 the return cannot be read or does not verify.
    """
    settings = load_settings(config_file, overrides={"keyring": keyring_dir})
    shown = preview_return(return_file, Path(settings.keyring))
    if html_file is not None:
        try:
            html_file.write_text(render_html(shown.document), encoding="utf-8")
        except OSError as err:
            raise AnonymiserError(f"{html_file} cannot be written ({err.strerror}).") from None
    if as_json:
        click.echo(json.dumps(shown.document, ensure_ascii=False, indent=2))
        return
    render_text(shown.document, stdout_console())
    if html_file is not None:
        click.echo(f"HTML preview: {html_file}")
