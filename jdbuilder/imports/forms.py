"""The upload form of an O*NET release: one zip, size-capped."""

from __future__ import annotations

from django import forms
from django.conf import settings

from roles.onet.archive import RELEASE_FILES, megabytes


def too_large_message() -> str:
    return (
        f"The file is larger than {megabytes(settings.ONET_UPLOAD_MAX_BYTES)}, the most an "
        f"upload may be; nothing was kept."
    )


class UploadReleaseForm(forms.Form):
    release = forms.FileField(
        label="Release zip",
        widget=forms.FileInput(attrs={"accept": ".zip,application/zip"}),
    )

    def __init__(self, *args, too_large: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        self.fields["release"].help_text = (
            "The zip of an O*NET text release (such as db_30_0_text.zip) holding "
            f"{', '.join(RELEASE_FILES)}, at the top or in one folder; "
            f"at most {megabytes(settings.ONET_UPLOAD_MAX_BYTES)}."
        )

    def clean_release(self):
        release = self.cleaned_data["release"]
        if release.size > settings.ONET_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(too_large_message(), code="too_large")
        return release

    def full_clean(self) -> None:
        super().full_clean()
        if self.is_bound and self.too_large:
            # The upload handler dropped the file: say why, not "This field is required".
            self.errors.pop("release", None)
            self.add_error("release", forms.ValidationError(too_large_message(), code="too_large"))
