"""File attachments below the actions: safe names, type detection, image cleaning and content-addressed storage.

Nothing here touches the database; `state/actions/attachments.py` ties these pieces to `Attachment` rows.
"""
