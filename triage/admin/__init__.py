"""Triage in the admin, which is the Tanggap console (``triage.admin_site``): the cluster
queue and page (``clusters``), reply templates, merges, alerts and the audit log
(``records``), and engineering's webhooks (``webhooks``). Importing the package registers
them all. The site stays outside this package: the admin builds it on the first
registration, which must not run while this package is half imported."""

from triage.admin import clusters, records, webhooks

__all__ = ["clusters", "records", "webhooks"]
