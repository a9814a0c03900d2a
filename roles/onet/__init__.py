"""Import of the O*NET database (its tab-delimited text release) into the role catalog.

Two phases, so that a bad file loads nothing: reading checks every file first, then writing
happens in one transaction. Each module has one job; import from the module itself:

- `roles.onet.files`: the release's files and their checks; `read_release`, `OnetError`, and
  the plain data it returns (`Release`, `Occupation`, `SkillRating`).
- `roles.onet.mapping`: the mapping rules, pure functions: importance, level steps, skill
  categories, and the task-area / tool-area keyword heuristics (`task_area_for`,
  `tool_area_for`).
- `roles.onet.attribution`: the CC BY 4.0 texts (`ONET_SOURCE`, `ONET_ATTRIBUTION`) and
  `is_onet_source`, which tells the roles the import owns.
- `roles.onet.plan`: matching occupations to roles and refusing conflicts, before any write.
- `roles.onet.write`: `import_release`, the all-or-nothing write in batches.
- `roles.onet.report`: `ImportReport`, the counts a run prints.
- `roles.onet.run`: `import_folder`, one run (check, then write; any refusal an `ImportRefused`
  saying nothing changed), shared by the command and the admin's import job.
- `roles.onet.archive`: checking an uploaded zip of a release before anything is extracted, and
  unpacking it safely (`check_archive`, `extract_release`, `ArchiveError`).

docs/onet-import.md explains the rules; `manage.py import_onet` runs it all, and so does an
upload in the admin (jdbuilder.imports).
"""
