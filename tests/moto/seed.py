"""Seeds a moto server for the end-to-end tests (tests/suite/moto_e2e.rs).

Usage: python seed.py ENDPOINT [--enforce-auth]

Creates the reseller's organization from moto's default account 123456789012 (the
reseller's management account), eight member accounts, and in each, through its
OrganizationAccountAccessRole, one of these states:

- dirty:   everything the reseller leaves behind (CTL policy, role, user, group, SAML
           provider, an OIDC provider with a path in a reseller domain, a role trusting
           the reseller, one trusting every principal of the reseller's organization by
           aws:PrincipalOrgID and one trusting an outside account, the reseller's
           buckets, a billing contact in a reseller domain), and region by region
           Control Tower's enrolment (AWSControlTowerExecution, its baseline stack in
           us-east-1), the reseller's StackSet stack, a bucket whose policy lets in the
           reseller's organization and a key whose policy lets in its management
           account (all three in eu-west-1);
- clean:   none of that, but names that look alike (eks-kubectl-deployer,
           DirectLinkReadOnly, kubectl-ci), a billing contact of the customer's, and the
           customer's own stack, bucket policy and key policy (stack and key in
           eu-west-1, read only where the plugin's ListRegions enables it: dirty and
           clean have eu-west-1 and us-east-1, every other account us-east-1 alone);
- removed: clean, and removed from the organization (a standalone account);
- direct:  clean, no payment instrument, no contact information: ready only for a direct
           move into the new organization;
- idc:     reachable only through the reseller organization's IAM Identity Center (two
           AWSReservedSSO_* roles under /aws-reserved/sso.amazonaws.com/ and their
           AWSSSO_*_DO_NOT_DELETE SAML provider) and the reseller's doors (a CTL role
           trusting the reseller, a CTL user, OrganizationAccountAccessRole), with a
           service role beside them, no customer IAM user and no root password;
- breakglass: idc, plus the customer's BreakGlass role trusting the direct account;
- young:   clean, created in the organization 2 days before the target date;
- gated:   clean, its leaver allowed LeaveOrganization but denied AcceptHandshake by the
           reseller's SCP.

It also creates the customer's new organization from its own management account
(NEW_MANAGEMENT) and, in it, a clean account that has arrived there ("arrived"): moto has
no invitations, so the new organization creates the account rather than invite it.

With --enforce-auth it then creates a runner user in the management account whose
policy allows sts:AssumeRole only into the three members' OrganizationAccountAccessRole,
gives each of those roles an administrator policy (as AWS does), and switches moto's IAM
authorization on: AssumeRole into any other account is then AccessDenied, as it is on AWS
when a role is missing or does not trust the caller.

Last, it seeds the plugin of tests/moto/server.py with what moto itself cannot answer
(POST /orgexit-plugin/seed): each account's payment instruments (dirty: only an INVALID
card; clean: 25 expired cards, then an ACTIVE one on the second page; removed and young:
the read denied; arrived: an ACTIVE card; direct, idc, breakglass: none; gated: an
INVALID card), its contact information (none for dirty and the five new departures, the
customer's elsewhere), the simulated LeaveOrganization and AcceptHandshake of
role/AcmeAdmin (dirty: LeaveOrganization denied by the reseller's SCP; clean: both
allowed; removed, standalone: allowed by IAM; gated: LeaveOrganization allowed,
AcceptHandshake denied by the SCP), and for the five new departures the pending INVITE
from the new organization (idc: only a TRANSFER_RESPONSIBILITY handshake, a billing
transfer, which is no invitation to join), root without a password (idc, breakglass),
the young account's creation date, the services the direct account is delegated
administrator of (none), and the enabled regions of dirty and clean. Every other account keeps the plugin's defaults: an ACTIVE
account created 2020-01-01, a root password, and AccessDenied from
ListDelegatedServicesForAccount (a member account may not ask).

The target date is tomorrow (UTC): the invitations expire 14 days from now, and young was
created at noon two days before the target date (yesterday).

Prints one JSON object on stdout: {"dirty": ID, "clean": ID, "removed": ID,
"arrived": ID, "direct": ID, "idc": ID, "breakglass": ID, "young": ID, "gated": ID,
"new_org": ORG_ID, "new_management": ID, "target_date": "YYYY-MM-DD",
"runner": {"access_key_id": ..., "secret_access_key": ...} | null}.
"""

import json
import sys
import urllib.request
from datetime import datetime, time, timedelta, timezone

import boto3
from botocore.config import Config

RESELLER = "123456789012"
# The management account of the customer's new organization.
NEW_MANAGEMENT = "222244446666"
OUTSIDE = "210987654321"
ROLE = "OrganizationAccountAccessRole"
CONFIG = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1})


def session(endpoint, credentials=None):
    credentials = credentials or {
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
    }
    base = boto3.session.Session(region_name="us-east-1", **credentials)
    return lambda service, region="us-east-1": base.client(
        service, region_name=region, endpoint_url=endpoint, config=CONFIG
    )


def assume(endpoint, sts, account_id):
    creds = sts.assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/{ROLE}", RoleSessionName="seed"
    )["Credentials"]
    return session(
        endpoint,
        {
            "aws_access_key_id": creds["AccessKeyId"],
            "aws_secret_access_key": creds["SecretAccessKey"],
            "aws_session_token": creds["SessionToken"],
        },
    )


def trust_policy(principal, condition=None):
    """A trust policy whose one statement lets `principal` assume the role."""
    statement = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def trust(account_id):
    return trust_policy({"AWS": f"arn:aws:iam::{account_id}:root"})


ADMIN = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    }
)

# IAM wants at least 1000 characters of metadata; moto stores it as it is.
SAML_METADATA = (
    '<?xml version="1.0"?><EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" '
    'entityID="https://sso.ctl.io/saml"><IDPSSODescriptor '
    'protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><KeyDescriptor '
    'use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data>'
    f"<X509Certificate>{'MIIC' + 'A' * 1000}</X509Certificate></X509Data></KeyInfo>"
    "</KeyDescriptor></IDPSSODescriptor></EntityDescriptor>"
)


# The regions the plugin's ListRegions gives the dirty and clean accounts: the regional
# checks read both, and what is seeded in the second is found only by reading it.
REGIONS = ["eu-west-1", "us-east-1"]
SECOND_REGION = "eu-west-1"
# A template CloudFormation creates without touching anything the checks read.
TEMPLATE = json.dumps(
    {"Resources": {"Handle": {"Type": "AWS::CloudFormation::WaitConditionHandle"}}}
)
# CloudFormation's name for a StackSet's stack instance: StackSet-<name>-<UUID>.
RESELLER_STACKSET_STACK = "StackSet-CTL-Logging-9f8e7d6c-5b4a-3210-fedc-ba9876543210"
CONTROL_TOWER_STACK = (
    "StackSet-AWSControlTowerBP-BASELINE-CONFIG-0a1b2c3d-4e5f-6789-abcd-ef0123456789"
)


def key_policy(account_id, *outside):
    """A key policy: the account's own root (KMS's default), and `outside` principals."""
    statements = [
        {
            "Sid": "Enable IAM User Permissions",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
            "Action": "kms:*",
            "Resource": "*",
        }
    ]
    for principal in outside:
        statements.append(
            {
                "Sid": "Allow use of the key",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{principal}:root"},
                "Action": ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"],
                "Resource": "*",
            }
        )
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def seed_regional_dirty(client, account_id, org_id):
    """What the move deletes, breaks or leaves open: Control Tower's enrolment (its
    execution role and baseline stack), the reseller's StackSet stack in the second
    region, a bucket there whose policy lets in the reseller's organization, and a key
    there whose policy lets in the reseller's management account."""
    client("iam").create_role(
        RoleName="AWSControlTowerExecution", AssumeRolePolicyDocument=trust(RESELLER)
    )
    client("cloudformation").create_stack(
        StackName=CONTROL_TOWER_STACK, TemplateBody=TEMPLATE
    )
    client("cloudformation", SECOND_REGION).create_stack(
        StackName=RESELLER_STACKSET_STACK, TemplateBody=TEMPLATE
    )
    s3 = client("s3", SECOND_REGION)
    bucket = f"acme-shared-{account_id}"
    s3.create_bucket(
        Bucket=bucket,
        CreateBucketConfiguration={"LocationConstraint": SECOND_REGION},
    )
    s3.put_bucket_policy(
        Bucket=bucket,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": f"arn:aws:s3:::{bucket}/*",
                        "Condition": {"StringEquals": {"aws:PrincipalOrgID": org_id}},
                    }
                ],
            }
        ),
    )
    client("kms", SECOND_REGION).create_key(
        Description="acme-backups", Policy=key_policy(account_id, RESELLER)
    )


def seed_regional_clean(client, account_id):
    """The customer's own regional things: a stack no StackSet made, a bucket policy and
    a key policy that let in only the account itself."""
    client("cloudformation", SECOND_REGION).create_stack(
        StackName="acme-network-baseline", TemplateBody=TEMPLATE
    )
    bucket = f"acme-app-assets-{account_id}"
    client("s3").put_bucket_policy(
        Bucket=bucket,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                        "Action": "s3:GetObject",
                        "Resource": f"arn:aws:s3:::{bucket}/*",
                    }
                ],
            }
        ),
    )
    client("kms", SECOND_REGION).create_key(
        Description="acme-app", Policy=key_policy(account_id)
    )


def seed_dirty(client, account_id, org_id):
    seed_regional_dirty(client, account_id, org_id)
    iam = client("iam")
    iam.create_open_id_connect_provider(
        Url="https://auth.ctl.io/realms/cam",
        ClientIDList=["cam"],
        ThumbprintList=["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"],
    )
    iam.create_role(
        RoleName="OrgWideReadOnly",
        AssumeRolePolicyDocument=trust_policy(
            {"AWS": "*"},
            {"StringEquals": {"aws:PrincipalOrgID": org_id}},
        ),
    )
    iam.create_policy(
        PolicyName="CTL-CAM-Provider",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"}
                ],
            }
        ),
    )
    iam.create_role(RoleName="CTL-Admin", AssumeRolePolicyDocument=trust(RESELLER))
    iam.create_role(RoleName="PartnerAudit", AssumeRolePolicyDocument=trust(OUTSIDE))
    iam.create_user(UserName="ctl-operator")
    iam.create_group(GroupName="CTLAdmins")
    iam.create_saml_provider(Name="CTL-SSO", SAMLMetadataDocument=SAML_METADATA)
    s3 = client("s3")
    for bucket in (f"config-bucket-{account_id}", f"ctlaudit-{account_id}"):
        s3.create_bucket(Bucket=bucket)
    client("account").put_alternate_contact(
        AlternateContactType="BILLING",
        EmailAddress="billing@ctl.io",
        Name="CenturyLink Billing",
        PhoneNumber="+1-800-555-0100",
        Title="Billing",
    )


def seed_messy(client, account_id, org_id):
    """`dirty`, and what deleting the reseller's IAM takes first (the runbook's case): its
    role with a managed policy attached, an inline policy and an instance profile; a
    reseller policy with two versions attached to its user, its role and a customer role;
    its user with an access key, a password and a group; a role trusting the reseller and
    an outside vendor both."""
    seed_dirty(client, account_id, org_id)
    iam = client("iam")
    ops = iam.create_policy(
        PolicyName="CTL-Ops",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "s3:List*", "Resource": "*"}],
            }
        ),
    )["Policy"]["Arn"]
    iam.create_policy_version(PolicyArn=ops, PolicyDocument=ADMIN, SetAsDefault=True)
    iam.attach_role_policy(RoleName="CTL-Admin", PolicyArn=ops)
    iam.put_role_policy(RoleName="CTL-Admin", PolicyName="ctl-inline", PolicyDocument=ADMIN)
    iam.create_instance_profile(InstanceProfileName="CTL-Admin-Profile")
    iam.add_role_to_instance_profile(
        InstanceProfileName="CTL-Admin-Profile", RoleName="CTL-Admin"
    )
    iam.attach_role_policy(RoleName="PartnerAudit", PolicyArn=ops)
    iam.attach_user_policy(UserName="ctl-operator", PolicyArn=ops)
    iam.create_access_key(UserName="ctl-operator")
    iam.create_login_profile(UserName="ctl-operator", Password="Reseller-Passw0rd!")
    iam.add_user_to_group(GroupName="CTLAdmins", UserName="ctl-operator")
    iam.create_role(
        RoleName="SharedOps",
        AssumeRolePolicyDocument=trust_policy(
            {"AWS": [f"arn:aws:iam::{RESELLER}:root", f"arn:aws:iam::{OUTSIDE}:root"]}
        ),
    )


def seed_clean(client, account_id):
    # Something of the customer's own, so "nothing found" is not "nothing read".
    iam = client("iam")
    iam.create_role(
        RoleName="AppDeploy",
        AssumeRolePolicyDocument=trust_policy({"Service": "ec2.amazonaws.com"}),
    )
    iam.create_user(UserName="alice")
    # Names that carry "ctl" inside another word: not the reseller's.
    iam.create_role(
        RoleName="eks-kubectl-deployer",
        AssumeRolePolicyDocument=trust_policy({"Service": "eks.amazonaws.com"}),
    )
    iam.create_policy(
        PolicyName="DirectLinkReadOnly",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "directconnect:Describe*", "Resource": "*"}
                ],
            }
        ),
    )
    iam.create_user(UserName="kubectl-ci")
    client("s3").create_bucket(Bucket=f"acme-app-assets-{account_id}")
    seed_regional_clean(client, account_id)
    client("account").put_alternate_contact(
        AlternateContactType="BILLING",
        EmailAddress="ap@acme.example",
        Name="Acme Accounts Payable",
        PhoneNumber="+1-555-0100",
        Title="AP",
    )


IDENTITY_CENTER_PATH = "/aws-reserved/sso.amazonaws.com/"
# As IAM Identity Center names what it provisions: the permission set, then 16 hex digits.
IDENTITY_CENTER_ROLES = (
    "AWSReservedSSO_AdministratorAccess_0123456789abcdef",
    "AWSReservedSSO_ReadOnlyAccess_fedcba9876543210",
)
IDENTITY_CENTER_SAML = "AWSSSO_0123456789abcdef_DO_NOT_DELETE"
IDENTITY_CENTER_METADATA = SAML_METADATA.replace(
    "https://sso.ctl.io/saml",
    "https://portal.sso.us-east-1.amazonaws.com/saml/assertion/MDEyMzQ1Njc4OWFi",
)


def seed_identity_center(client, account_id):
    """Only the reseller organization's Identity Center and the reseller's doors let
    anyone in (besides OrganizationAccountAccessRole, which Organizations made)."""
    iam = client("iam")
    saml = iam.create_saml_provider(
        Name=IDENTITY_CENTER_SAML, SAMLMetadataDocument=IDENTITY_CENTER_METADATA
    )["SAMLProviderArn"]
    for name in IDENTITY_CENTER_ROLES:
        iam.create_role(
            RoleName=name,
            Path=IDENTITY_CENTER_PATH,
            AssumeRolePolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Federated": saml},
                            "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
                            "Condition": {
                                "StringEquals": {
                                    "SAML:aud": "https://signin.aws.amazon.com/saml"
                                }
                            },
                        }
                    ],
                }
            ),
        )
    # The reseller's own doors.
    iam.create_role(RoleName="CTL-Admin", AssumeRolePolicyDocument=trust(RESELLER))
    iam.create_user(UserName="ctl-operator")
    # A service role: no person signs in through it.
    iam.create_role(
        RoleName="AppDeploy",
        AssumeRolePolicyDocument=trust_policy({"Service": "ec2.amazonaws.com"}),
    )


def seed_breakglass(client, trusted):
    """The customer's own way in: a role the `trusted` (audited) account may assume."""
    iam = client("iam")
    iam.create_role(RoleName="BreakGlass", AssumeRolePolicyDocument=trust(trusted))
    iam.put_role_policy(RoleName="BreakGlass", PolicyName="admin", PolicyDocument=ADMIN)


def enforce_auth(endpoint, master, members):
    iam = master("iam")
    iam.create_user(UserName="orgexit-runner")
    iam.put_user_policy(
        UserName="orgexit-runner",
        PolicyName="assume-members",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "sts:AssumeRole",
                        "Resource": [
                            f"arn:aws:iam::{m}:role/{ROLE}" for m in members
                        ],
                    },
                    {"Effect": "Allow", "Action": "sts:GetCallerIdentity", "Resource": "*"},
                ],
            }
        ),
    )
    key = iam.create_access_key(UserName="orgexit-runner")["AccessKey"]
    sts = master("sts")
    for member in members:
        assume(endpoint, sts, member)("iam").put_role_policy(
            RoleName=ROLE, PolicyName="AdministratorAccess", PolicyDocument=ADMIN
        )
    request = urllib.request.Request(
        f"{endpoint}/moto-api/reset-auth",
        data=b"0",
        method="POST",
        # Not form-encoded: moto reads the count from the raw body.
        headers={"Content-Type": "text/plain"},
    )
    with urllib.request.urlopen(request) as answer:
        answer.read()
    return {
        "access_key_id": key["AccessKeyId"],
        "secret_access_key": key["SecretAccessKey"],
    }


def seed_new_org(endpoint, sts):
    """The customer's new organization and an account in it: (org id, account id)."""
    new = assume(endpoint, sts, NEW_MANAGEMENT)
    org = new("organizations")
    org_id = org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    status = org.create_account(
        AccountName="acme-arrived", Email="aws+arrived@acme.example"
    )["CreateAccountStatus"]
    if status["State"] != "SUCCEEDED":
        sys.exit(f"create_account arrived: {status}")
    arrived = status["AccountId"]
    seed_clean(assume(endpoint, new("sts"), arrived), arrived)
    return org_id, arrived


LEAVER = "role/AcmeAdmin"
# The member accounts created in the reseller's organization, in this order.
DEPARTURES = (
    "dirty",
    "clean",
    "removed",
    "direct",
    "idc",
    "breakglass",
    "young",
    "gated",
    "messy",
)


def contact(full_name):
    return {
        "FullName": full_name,
        "CompanyName": "Acme Corp",
        "AddressLine1": "100 Market St",
        "City": "Springfield",
        "PostalCode": "62701",
        "CountryCode": "US",
        "PhoneNumber": "+1 555 0100",
        "WebsiteUrl": "https://www.acme.example",
    }


def card(account_id, n, status):
    return {"id": f"pi-{account_id}-{n:02d}", "method": "CARD", "status": status}


def rfc3339(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def invitation(new_org, action="INVITE", expires=None):
    """A pending handshake from the new organization's management account."""
    expires = expires or datetime.now(timezone.utc) + timedelta(days=14)
    return {
        "id": f"h-{action.lower()[:8]}0123456789",
        "action": action,
        "state": "OPEN",
        "org": new_org,
        "management_account": NEW_MANAGEMENT,
        "management_email": "aws-root@acme.example",
        "management_name": "Acme management",
        "expires": rfc3339(expires),
    }


def seed_plugin(endpoint, ids, new_org, target):
    """What only the plugin answers: payments, contact information, the leaver's fate,
    and for the new departures their invitation, standing and root password."""
    leaver = lambda account_id: f"arn:aws:iam::{account_id}:{LEAVER}"  # noqa: E731
    no_password = {"summary": {"AccountPasswordPresent": 0}}
    invited = {"handshakes": [invitation(new_org)]}
    young_created = datetime.combine(target - timedelta(days=2), time(12), timezone.utc)
    data = {
        ids["dirty"]: {
            "regions": REGIONS,
            "payments": [card(ids["dirty"], 1, "INVALID")],
            "leavers": {
                leaver(ids["dirty"]): {
                    "decision": "implicitDeny",
                    "allowed_by_organizations": False,
                }
            },
        },
        ids["messy"]: {
            "regions": REGIONS,
            "payments": [card(ids["messy"], 1, "ACTIVE")],
            "handshakes": [],
        },
        ids["clean"]: {
            "regions": REGIONS,
            "payments": [card(ids["clean"], n, "INVALID") for n in range(25)]
            + [card(ids["clean"], 25, "ACTIVE")],
            "contact": contact("Jane Roe"),
            "leavers": {
                leaver(ids["clean"]): {"decision": "allowed", "allowed_by_organizations": True}
            },
        },
        ids["removed"]: {
            "payments": "denied",
            "contact": contact("Sam Poe"),
            "leavers": {leaver(ids["removed"]): {"decision": "allowed"}},
        },
        ids["arrived"]: {
            "payments": [card(ids["arrived"], 1, "ACTIVE")],
            "contact": contact("Ann Lee"),
        },
        # Payments answers, and lists nothing: no payment method at all.
        ids["direct"]: {**invited, "payments": [], "delegated": []},
        # A billing-transfer invitation from the new organization is not an invitation
        # to join it.
        ids["idc"]: {
            **no_password,
            "payments": [],
            "handshakes": [invitation(new_org, "TRANSFER_RESPONSIBILITY")],
        },
        ids["breakglass"]: {**no_password, **invited, "payments": []},
        ids["young"]: {
            **invited,
            "payments": "denied",
            "account_info": {
                "name": "acme-young",
                "created": rfc3339(young_created),
                "state": "ACTIVE",
            },
        },
        ids["gated"]: {
            **invited,
            "payments": [card(ids["gated"], 1, "INVALID")],
            "leavers": {
                leaver(ids["gated"]): {
                    "decision": "allowed",
                    "allowed_by_organizations": True,
                    "actions": {
                        "organizations:AcceptHandshake": {
                            "decision": "implicitDeny",
                            "allowed_by_organizations": False,
                        }
                    },
                }
            },
        },
    }
    request = urllib.request.Request(
        f"{endpoint}/orgexit-plugin/seed",
        data=json.dumps(data).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as answer:
        answer.read()


def main():
    endpoint = sys.argv[1]
    master = session(endpoint)
    org = master("organizations")
    org_id = org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    ids = {}
    for state in DEPARTURES:
        status = org.create_account(
            AccountName=f"acme-{state}", Email=f"aws+{state}@acme.example"
        )["CreateAccountStatus"]
        if status["State"] != "SUCCEEDED":
            sys.exit(f"create_account {state}: {status}")
        ids[state] = status["AccountId"]
    sts = master("sts")
    seed_dirty(assume(endpoint, sts, ids["dirty"]), ids["dirty"], org_id)
    seed_clean(assume(endpoint, sts, ids["clean"]), ids["clean"])
    seed_messy(assume(endpoint, sts, ids["messy"]), ids["messy"], org_id)
    seed_clean(assume(endpoint, sts, ids["removed"]), ids["removed"])
    org.remove_account_from_organization(AccountId=ids["removed"])
    for state in ("direct", "young", "gated"):
        seed_clean(assume(endpoint, sts, ids[state]), ids[state])
    for state in ("idc", "breakglass"):
        seed_identity_center(assume(endpoint, sts, ids[state]), ids[state])
    seed_breakglass(assume(endpoint, sts, ids["breakglass"]), ids["direct"])
    new_org, ids["arrived"] = seed_new_org(endpoint, sts)
    target = (datetime.now(timezone.utc) + timedelta(days=1)).date()
    seed_plugin(endpoint, ids, new_org, target)
    runner = None
    if "--enforce-auth" in sys.argv[2:]:
        runner = enforce_auth(endpoint, master, list(ids.values()))
    json.dump(
        {
            **ids,
            "new_org": new_org,
            "new_management": NEW_MANAGEMENT,
            "target_date": target.isoformat(),
            "runner": runner,
        },
        sys.stdout,
    )
    print()


if __name__ == "__main__":
    main()
