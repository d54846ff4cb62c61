"""Pages fans read: the home page and product pages."""

from django.shortcuts import get_object_or_404, render

from forum.models import Product


def home(request):
    return render(request, "forum/home.html", {"products": Product.objects.all()})


def product(request, slug: str):
    return render(request, "forum/product.html", {"product": get_object_or_404(Product, slug=slug)})
