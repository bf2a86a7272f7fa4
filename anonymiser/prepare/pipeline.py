"""``prepare``: from an authority's raw export to a signed, anonymised return, or nothing.

The steps, each a whole-frame operation::

    read      the export, as ``check`` reads it (header found, columns mapped, Excel rows);
              columns the schema does not know are dropped here, and reported
    validate  the schema's vectorised rules; any error stops the run (the check report
              says which cells to fix), queries are shown in the preview
    disclose  each field's policy: pseudonymise, generalise, redact, keep (and drop);
              pseudonyms are hashed by a worker process, each identifier column sent as
              soon as validation has parsed it, and join the shared rows after the risk
              check (which never reads them)
    scan      kept text for stray identifiers; any hit stops the run
    risk      k-anonymity (and l-diversity) over the quasi-identifiers, remediated as
              configured; a return that still fails is never signed
    payload   the shared rows as CSV
    sign      ``keys.write_return``, then ledger, previews and the return put in place
              together (see :mod:`.commit`)

A return for a period already made is refused unless it supersedes the latest one
(:mod:`.ledger`). Nothing is written unless every step succeeds.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from anonymiser import __version__
from anonymiser.checking import CheckOptions, check_return
from anonymiser.prepare import disclosure, summary
from anonymiser.prepare.commit import remove_stale_partials, sign_and_commit, staged_payload
from anonymiser.prepare.credentials import Credentials
from anonymiser.prepare.errors import ProblemsInData
from anonymiser.prepare.ledger import Ledger, Slot
from anonymiser.prepare.payload import write_measured_payload
from anonymiser.prepare.progress import Steps
from anonymiser.prepare.stray import NAME_FIELDS, StrayCheck, check_for_stray_identifiers
from anonymiser.preview.document import sidecar_paths, to_json_bytes
from anonymiser.preview.html import render_html
from anonymiser.reading import ReadLimits, ReturnFile, read_return
from anonymiser.risk import Remediation, RiskCheckFailed, RiskReport, remediate
from anonymiser.risk.measures import failure_message
from anonymiser.suppliers import SupplierLists
from keys import (
    ManifestDraft,
    PayloadFacts,
    Pseudonymiser,
    SignedReturn,
    WorkerPool,
)
from keys.parallel import usable_cores
from schemas import ReturnPeriod, ReturnSchema, get_schema, return_types

#: How many steps a run reports (for the progress bar).
STEP_COUNT = 9


@dataclass(frozen=True)
class PrepareJob:
    """What to prepare, from which file, into which return, under which settings."""

    source: Path
    schema: ReturnSchema
    period: ReturnPeriod
    output: Path
    mapping_file: Path | None = None
    rehearsal: bool = False
    compress: bool = False
    k_threshold: int = 5
    l_threshold: int | None = None
    risk_mode: str = "generalise_then_suppress"
    suppliers: SupplierLists | None = None
    limits: ReadLimits | None = None
    supersedes: str | None = None


@dataclass(frozen=True)
class PreparedReturn:
    """A return that was signed and put in place, with its preview document."""

    output: Path
    signed: SignedReturn
    document: dict[str, Any]
    preview_json: Path
    preview_html: Path


def prepare_return(
    job: PrepareJob, *, credentials: Credentials, ledger: Ledger, steps: Steps
) -> PreparedReturn:
    """Make the signed return ``job`` describes, or raise saying why none was made."""
    schema = job.schema
    with ledger.locked(), _without_cyclic_gc():
        remove_stale_partials(job.output)
        slot = ledger.plan(
            credentials.authority, schema.return_type, job.period.label, job.supersedes
        )
        # The workers that pseudonymise are started now, while this process is small: one
        # fewer than the cores, as this process has its own work meanwhile.
        with WorkerPool(usable_cores() - 1) as pool:
            shaped = Shaping(job, credentials, steps, pool).run()
        with staged_payload(job.output) as (payload, stream):
            with steps.step("Writing the payload"), stream:
                filled, measured = write_measured_payload(shaped.shared, schema, stream)
            made = shaped.made(filled, steps.timings)
            del shaped
            with steps.step("Signing the return"):
                return _signed(job, credentials, ledger, slot, made, payload, measured)


@contextlib.contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector for the run: the frames hold millions of objects
    and no reference cycles, so its passes cost seconds (a quarter of reading a million
    rows) and free nothing. Reference counting still frees everything as it goes."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _signed(
    job: PrepareJob,
    credentials: Credentials,
    ledger: Ledger,
    slot: Slot,
    made: summary.Made,
    payload: Path,
    measured: PayloadFacts,
) -> PreparedReturn:
    """Sign the payload (``measured`` as it was written); record the return; write the
    preview beside it."""
    key = credentials.regional_key
    draft = ManifestDraft(
        authority=credentials.authority,
        return_type=job.schema.return_type,
        schema_version=job.schema.version,
        period=job.period.label,
        sequence=slot.sequence,
        disclosure_policy_sha256=job.schema.policy_hash(),
        pseudonym_key_version=key.version if key is not None else None,
        anonymiser_version=__version__,
        supersedes=slot.supersedes,
    )
    json_path, html_path = sidecar_paths(job.output)
    documents: dict[str, dict[str, Any]] = {}

    def sidecars(signed: SignedReturn) -> dict[Path, bytes]:
        document = summary.preview_document(made, signed, job.output.name)
        documents["preview"] = document
        return {json_path: to_json_bytes(document), html_path: render_html(document).encode()}

    signed = sign_and_commit(
        payload,
        job.output,
        draft=draft,
        signing_key=credentials.signing_key,
        compress=job.compress,
        ledger=ledger,
        sidecars=sidecars,
        measured=measured,
    )
    return PreparedReturn(job.output, signed, documents["preview"], json_path, html_path)


@dataclass
class Shaped:
    """The shared frame that will leave, and what the preview says of how it was made."""

    schema: ReturnSchema
    shared: pd.DataFrame
    source: summary.Source
    rehearsal: bool
    present: set[str]
    counts_in: dict[str, int]
    individuals: list[disclosure.SupplierDecision]
    names_kept: int
    scanned: StrayCheck
    queries: list[dict[str, Any]]
    risk: RiskReport
    remediation: Remediation
    sample: list[dict[str, Any]]

    def made(self, counts_out: dict[str, int], timings: dict[str, float]) -> summary.Made:
        """The preview's facts, once the payload's filled cells are counted."""
        return summary.Made(
            schema=self.schema,
            source=self.source,
            rehearsal=self.rehearsal,
            fields=disclosure.field_outcomes(
                self.schema, self.counts_in, counts_out, self.present, self.individuals
            ),
            individuals=tuple(self.individuals),
            names_kept=self.names_kept,
            scanned_columns=self.scanned.columns,
            chance_matches=self.scanned.chance,
            queries=self.queries,
            risk=self.risk,
            remediation=self.remediation,
            sample=self.sample,
            timings=timings,
        )


class Shaping:
    """The steps up to the shared frame: read, validate, disclose, scan, risk."""

    def __init__(
        self, job: PrepareJob, credentials: Credentials, steps: Steps, pool: WorkerPool
    ) -> None:
        self.job, self.credentials, self.steps, self.pool = job, credentials, steps, pool
        self.schema = job.schema

    def run(self) -> Shaped:
        """The shared frame that will leave, and the facts the preview shows."""
        read = self._read()
        present = set(read.frame.columns)
        pseudonyms = self._early_pseudonyms(read)
        parsed, queries = self._validate(read, pseudonyms)
        raw_sample = read.frame.iloc[summary.sample_positions(len(read.frame))]
        names = read.frame[[name for name in NAME_FIELDS if name in present]]
        source = summary.Source(
            file=read.path.name,
            kind=read.kind.value,
            sheet=read.sheet,
            header_row=read.header_row,
            rows=len(read.frame),
            mapping=read.mapping,
        )
        del read  # the raw frame is no longer needed: let its memory go
        counts_in = disclosure.values_in(self.schema, parsed)
        # The pseudonyms are computed in worker processes, started as validation parses
        # each identifier column, while this one validates, generalises, redacts, scans
        # and checks risk (none of which reads them); they join the shared frame once the
        # risk check has passed.
        shared, individuals, names_kept = self._disclose(parsed)
        index = parsed.index
        del parsed
        with self.steps.step("Scanning kept text for identifiers"):
            scanned = check_for_stray_identifiers(
                self.schema, shared, names, source.mapping, self.job.suppliers
            )
        shared, risk, remediation = self._risk(shared)
        with self.steps.step("Pseudonymising identifiers"):
            columns = pseudonyms.result()
        shared = disclosure.with_columns(self.schema, shared, columns)
        if not shared.index.equals(index):
            raise RuntimeError("the shared rows changed while they were made")  # never: a bug
        return Shaped(
            schema=self.schema,
            shared=shared,
            source=source,
            rehearsal=self.job.rehearsal,
            present=present,
            counts_in=counts_in,
            individuals=individuals,
            names_kept=names_kept,
            scanned=scanned,
            queries=queries,
            risk=risk,
            remediation=remediation,
            sample=summary.sample_rows(self.schema, raw_sample, shared.loc[raw_sample.index]),
        )

    def _read(self) -> ReturnFile:
        job = self.job
        others = tuple(get_schema(t) for t in return_types() if t != self.schema.return_type)
        with self.steps.step(f"Reading {job.source.name}"):
            read = read_return(
                job.source,
                self.schema,
                mapping_file=job.mapping_file,
                limits=job.limits,
                alternatives=others,
            )
        for column in read.mapping.dropped:
            header = column.header or "no header"
            self.steps.note(f"column {column.letter} ({header}) is dropped: {column.reason}")
        return read

    def _validate(
        self, read: ReturnFile, pseudonyms: disclosure.EarlyPseudonyms
    ) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
        """The parsed frame and the queries; errors stop the run with the check report.
        Pseudonyms start as their columns are parsed (dropped with the pool on errors)."""
        job = self.job
        with self.steps.step("Validating rows"):
            validation = self.schema.validate_frame(
                read.frame,
                "raw",
                rehearsal=job.rehearsal,
                period=job.period,
                on_parsed=pseudonyms.parsed,
            )
        if validation.ok and not read.overflow_rows:
            return validation.parsed, summary.query_counts(validation.problems)
        raise _problems_in(job)

    def _early_pseudonyms(self, read: ReturnFile) -> disclosure.EarlyPseudonyms:
        key = self.credentials.regional_key
        pseudonymiser = Pseudonymiser(key) if key is not None else None
        return disclosure.EarlyPseudonyms(self.schema, read.frame.index, pseudonymiser, self.pool)

    def _disclose(
        self, parsed: pd.DataFrame
    ) -> tuple[pd.DataFrame, list[disclosure.SupplierDecision], int]:
        """Every shared column but the pseudonyms (see :meth:`_early_pseudonyms`)."""
        schema, step = self.schema, self.steps.step
        with step("Generalising quasi-identifiers"):
            columns = disclosure.generalised_columns(schema, parsed, self.job.period)
        with step("Redacting private individuals"):
            redacted, individuals, kept = disclosure.redacted_columns(
                schema, parsed, self.job.suppliers
            )
        columns |= redacted | disclosure.kept_columns(schema, parsed)
        return disclosure.shared_frame(schema, columns, parsed.index), individuals, kept

    def _risk(self, shared: pd.DataFrame) -> tuple[pd.DataFrame, RiskReport, Remediation]:
        """Remediate as configured; :class:`RiskCheckFailed` if it still fails.

        ``remediate`` assesses the frame it returns afresh and raises if it fails; the
        report is checked again here all the same, so no change there can let a failing
        return reach the signature."""
        job = self.job
        with self.steps.step("Checking re-identification risk"):
            shared, report, log = remediate(
                shared,
                quasi_identifiers=self.schema.quasi_identifiers,
                k=job.k_threshold,
                mode=job.risk_mode,  # type: ignore[arg-type]
                l=job.l_threshold,
            )
        if not report.passed or report.records != len(shared):
            raise RiskCheckFailed(failure_message(report), report=report, remediation=log)
        return shared, report, log


def _problems_in(job: PrepareJob) -> ProblemsInData:
    """The error for a file with errors, with the full check report (read again: rare)."""
    options = CheckOptions(
        period=job.period,
        mapping_file=job.mapping_file,
        rehearsal=job.rehearsal,
        limits=job.limits,
        supplier_lists=job.suppliers,
    )
    report = check_return(job.source, job.schema, options)
    return ProblemsInData(
        f"{job.source.name} has {len(report.errors)} error(s) to fix before a return can be "
        "made; no return was written. Fix them (or run `anonymiser check`) and run again.",
        report=report,
    )
