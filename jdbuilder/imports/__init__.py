"""O*NET imports from the admin: staff upload a release zip, a worker imports it.

- `models`: `OnetImport`, the proxy of `Job` rows of kind onet_import that the admin lists.
- `services`: `queue_import` (check the zip, store it, queue the job; one import at a time) and
  `run_import`, the job's handler (unpack safely, check, import all or nothing, report).
- `uploads` and `forms`: the upload, capped in size while it arrives.
- `admin`: the changelist, the upload page and each import's page (registered by
  jdbuilder/admin.py).

The import itself is roles.onet's, shared with `manage.py import_onet` (docs/onet-import.md).
"""
