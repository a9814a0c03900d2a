from django.http import Http404


def placeholder(request):  # replaced by the real views
    raise Http404
