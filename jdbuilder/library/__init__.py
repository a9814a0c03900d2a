"""The recruiters' library: every issued JD a user may read, shown as its latest revision.

Its queries are `JobDescription.objects.library(user)` and the QuerySet methods after it
(`search`, `matching`, `sorted_by`); the pages are in `views`, the forms in `forms`. What the
library exports is made in the background by `jdbuilder.exports`.
"""
