"""The company behind the JDs: profile and branding, departments and offices, reusable content
blocks, templates, and pay bands (models.py); what drafts read of them (content.py)."""
