"""factory-boy factories for the models tests build on."""

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import COMMUNITY_MANAGER, ENGINEER, FAN
from forum.models import Product


def _with_role(default_role: str) -> factory.PostGeneration:
    """Put the user in a role group and give them a verified primary email."""

    def add(user, create, extracted, **kwargs):
        if create:
            user.groups.add(Group.objects.get_or_create(name=extracted or default_role)[0])
            EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)

    return factory.PostGeneration(add)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"fan{n}@example.com")
    display_name = factory.Sequence(lambda n: f"Fan {n}")
    password = factory.django.Password("correct horse battery")
    role = _with_role(FAN)


class ManagerFactory(UserFactory):
    is_staff = True
    role = _with_role(COMMUNITY_MANAGER)


class EngineerFactory(UserFactory):
    role = _with_role(ENGINEER)


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        django_get_or_create = ("marketing_name",)

    brand = "Xiaomi"
    series = "Redmi Note"
    marketing_name = factory.Sequence(lambda n: f"Redmi Note {n} Pro")
    slug = factory.LazyAttribute(lambda o: o.marketing_name.lower().replace(" ", "-"))
    release_year = 2024


class ThreadFactory(factory.django.DjangoModelFactory):
    """A thread row as a bulk loader would write it (counters start at zero).

    Tests of behaviour go through forum.services.create_thread instead."""

    class Meta:
        model = "forum.Thread"

    product = factory.SubFactory(ProductFactory)
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Baterai cepat habis setelah update #{n}")
    body = "Sejak update terakhir baterai habis dalam 5 jam."
    firmware = "HyperOS 1.0.5.0"


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "forum.Post"

    thread = factory.SubFactory(ThreadFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Saya juga mengalami ini ({n}).")
