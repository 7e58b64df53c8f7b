"""File attachments below the actions: safe names, type detection, image cleaning and content-addressed storage.

Nothing here touches the database but `quota.py`, which sums pending uploads in the session it is handed; the
actions (`state/actions/uploads.py`, `downloads.py`, `file_release.py`, `upload_cleanup.py`, `upload_types.py`)
tie these pieces to `Attachment` rows.
"""
