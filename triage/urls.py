from django.urls import path, register_converter

from triage import views


class VersionConverter:
    """Any version a cluster was fixed in, as stored: "/" (``V14.0.3/EU``), dots, spaces
    and all; reverse() percent-encodes what a path cannot hold."""

    regex = r"[\s\S]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(VersionConverter, "version")

app_name = "triage"
urlpatterns = [
    path("clusters/<int:pk>/", views.cluster, name="cluster"),
    path("p/<slug:slug>/known-issues/", views.known_issues, name="known_issues"),
    path("fixed/", views.fixed_index, name="fixed_index"),
    path("fixed/<version:version>/", views.fixed, name="fixed"),
    path("similar/", views.similar, name="similar"),
]
