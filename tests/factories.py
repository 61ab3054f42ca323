import factory

from pevcoach.accounts.models import JobTitle, User
from pevcoach.accounts.services import create_user
from pevcoach.orgunits.models import OrgUnit
from pevcoach.orgunits.services import create_org_unit

PASSWORD = "pass-word-42"


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit

    name = factory.Sequence(lambda n: f"Unité {n}")
    code = factory.Sequence(lambda n: f"OU-{n}")
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return create_org_unit(**kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Aminata"
    last_name = factory.Sequence(lambda n: f"Keita{n}")
    job_title = JobTitle.VACCINATOR
    password = PASSWORD

    @classmethod
    def _create(cls, model_class, *args, roles=(), **kwargs):
        return create_user(roles=roles, **kwargs)
