"""Load a dataset folder (docs/dataset.md) into the database: all of it, or nothing.

The intake of a plan, in three steps that ``planwatch import plan`` shares in part (see
docs/architecture.md, "The intake of a plan"):

1. read: ``reader.read_folder`` turns every YAML file into records that know their file and line;
2. check: ``checks.check_dataset`` turns the records into plain rows, collecting every problem
   with its file and line, and asks the models for the plan's rules;
3. write: ``dataset_writer.write_dataset`` writes the rows inside one transaction, only a
   dataset without problems, and only the rows that changed, in bulk through the one writer of a
   plan (``writer.Writer``, ``plan_writer.write_plan``), which ``planwatch import plan`` writes
   through too.
"""

from pathlib import Path

from django.db import transaction
from django.utils import translation

from planwatch.core.models import DataVersion

from . import milestones as milestone_data
from .checks import KNOWN_SECTIONS, Dataset, DatasetCheck, check_dataset
from .dataset_writer import CHANGE_REASON, write_dataset
from .reader import DatasetError, read_folder
from .signals import dataset_loaded
from .writer import Summary, Writer, languages

__all__ = [
    "CHANGE_REASON",
    "KNOWN_SECTIONS",
    "NAP_DATASET",
    "Dataset",
    "DatasetCheck",
    "Summary",
    "Writer",
    "check_dataset",
    "languages",
    "load_dataset",
    "write_dataset",
]


def load_dataset(folder: Path, *, dry_run: bool = False) -> Summary:
    """Check the folder, then write it in one transaction (rolled back when ``dry_run``)."""
    data, problems = read_folder(Path(folder))
    if problems:
        raise DatasetError(problems)
    milestones = data.pop("milestones", [])  # milestones.yaml: datasets/milestones.py
    with translation.override("en"):  # the messages, as ``planwatch import plan`` gives them
        dataset = check_dataset(data)
    if problems := milestone_data.check(milestones, {m["number"] for m in dataset.measures}):
        raise DatasetError(problems)
    with transaction.atomic(), translation.override("en"):
        writer = Writer(CHANGE_REASON)
        written = write_dataset(dataset, writer)
        milestone_data.write(writer, written.plan, milestones)
        if writer.summary.changed:
            # Bulk statements send no post_save signal: drop the cached public pages here.
            DataVersion.bump()
        dataset_loaded.send(load_dataset, plan=written.plan)
        if dry_run:
            transaction.set_rollback(True)
    return writer.summary


NAP_DATASET = Path(__file__).resolve().parent / "nap-2021-2025"
