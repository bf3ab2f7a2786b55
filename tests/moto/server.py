"""moto_server with a small plugin for the reads moto does not implement.

Usage: python server.py -H 127.0.0.1 -p PORT   (the same options as moto_server)

moto answers everything it knows as moto_server does. Some reads orgexit sends are not in
moto, or moto's answer lacks what AWS gives, so this plugin answers them from data seeded
through POST /orgexit-plugin/seed (a JSON object: account ID -> {"payments", "contact",
"leavers", "account_info", "summary", "delegated", "handshakes",
"billing_transfers", "regions"}, merged per account):

- AWS Payments `AWSPayments.ListPaymentInstruments` (awsJson 1.0, signing name
  `payments`): the account's seeded instruments, paginated by `nextToken` (at most
  `maxResults`, 25 by default), or `"payments": "denied"` -> AccessDeniedException
  (HTTP 403, reason NOT_AUTHORIZED), as AWS answers when IAM access to billing is not
  activated;
- Account `GetContactInformation` (restJson, `POST /getContactInformation`, no
  AccountId: the caller's account): the seeded contact, or ResourceNotFoundException
  (HTTP 404) when none is seeded;
- Account `GetAccountInformation` (restJson, `POST /getAccountInformation`; the account
  of the body's AccountId, else the caller's): `{"AccountId", "AccountName",
  "AccountCreatedDate", "AccountState"}` from `"account_info": {"name", "created":
  RFC 3339, "state": ACTIVE | SUSPENDED | CLOSED | PENDING_ACTIVATION}`. The model gives
  AccountCreatedDate `timestampFormat: iso8601`, so it is sent as an ISO 8601 string
  (not restJson's default epoch seconds). Any field not seeded (or no account_info at
  all) has a default: name = the account ID, created 2020-01-01T00:00:00Z, state ACTIVE
  (an old, active account, which nothing blocks);
- IAM `GetAccountSummary` (query protocol): moto's answer, with its SummaryMap patched:
  `AccountPasswordPresent` (moto has no such key) and, when seeded, `AccountMFAEnabled`
  and `AccountAccessKeysPresent` from `"summary": {"AccountPasswordPresent": 0|1,
  "AccountMFAEnabled": 0|1, "AccountAccessKeysPresent": 0|1}`. AccountPasswordPresent
  is 1 when not seeded: an account created the classic way has a root password (seed 0
  for one under centralized root access); the other two keep moto's values (always 0);
- IAM `SimulatePrincipalPolicy` (query protocol): for a seeded principal ARN, one
  EvaluationResult per action name (ActionNames.member.N, in that order) with the
  seeded `EvalDecision` and, when seeded, `OrganizationsDecisionDetail.AllowedByOrganizations`:
  `"leavers": {ARN: {"decision", "allowed_by_organizations", "actions": {ACTION:
  {"decision", "allowed_by_organizations"}}}}`, where an action's own entry overrides
  the principal's fields for that action; NoSuchEntity (HTTP 404) for any other principal;
- IAM `ListServiceSpecificCredentials` (query protocol), which moto does not implement:
  no credentials (`<ServiceSpecificCredentials/>`), what AWS answers for a user who has
  none (the seed creates none: moto could not);
- Organizations `ListDelegatedServicesForAccount` (awsJson 1.1): for the AccountId asked
  about (else the caller's), the seeded `"delegated": [service principal, ...]` as
  `{"DelegatedServices": [{"ServicePrincipal", "DelegationEnabledDate"}]}` (epoch
  seconds; `[]` lists none, as AWS answers the management account of an account that is
  no delegated administrator); nothing seeded -> AccessDeniedException (HTTP 400,
  "You don't have permissions to access this resource."), as AWS answers a member account
  that is no delegated administrator (moto would say AccountNotRegisteredException);
- Organizations `ListHandshakesForAccount` (awsJson 1.1): when the caller's account has
  `"handshakes": [{"id", "action": INVITE | TRANSFER_RESPONSIBILITY, "state", "org",
  "management_account", "management_email", "management_name" (optional), "expires":
  RFC 3339, "requested": RFC 3339 (optional, default 14 days before expires)}]`,
  `{"Handshakes": [...]}` filtered by the request's `Filter.ActionType`, with Parties (the
  ORGANIZATION party is `org`, the ACCOUNT party the caller) and Resources in the newer
  spellings (an ORGANIZATION resource whose nested Resources are MANAGEMENT_ACCOUNT,
  MANAGEMENT_EMAIL and MANAGEMENT_NAME, then the caller's ACCOUNT; a billing transfer also
  carries TRANSFER_TYPE BILLING), timestamps in epoch seconds. Nothing seeded: moto
  answers (HTTP 500, not implemented), as the tests of that error expect.
- Organizations `ListOutboundResponsibilityTransfers` (awsJson 1.1), which moto does not
  implement: the request must name `Type` `BILLING` (required in botocore's model; else
  InvalidInputException, HTTP 400). The caller's seeded `"billing_transfers": [{"id",
  "status": REQUESTED | ACCEPTED | WITHDRAWN | DECLINED | CANCELED | EXPIRED,
  "payer_account", "payer_email", "start": RFC 3339, "end": RFC 3339 (optional),
  "name" (optional)}]` as `{"ResponsibilityTransfers": [...]}` in botocore's
  `ResponsibilityTransfer` shape (Source the caller, Target the payer, timestamps in
  epoch seconds; `[]` lists none, as AWS answers a management account without
  transfers); nothing seeded -> AccessDeniedException (HTTP 400), as AWS answers a member
  account.
- Account `ListRegions` (restJson, `POST /listRegions`): the seeded `"regions": [name,
  ...]` (us-east-1 when none is seeded), each `{"RegionName", "RegionOptStatus"}` with
  us-east-1 `ENABLED_BY_DEFAULT` and the others `ENABLED`, filtered by the body's
  `RegionOptStatusContains`, in one page (AWS pages by 50; an account has fewer). moto
  has no ListRegions.

The account a request acts for is moto's own answer: the account of the request's access
key (an assumed role's keys act in the role's account), as moto's backends decide it.
Requests are answered in the wire format of the AWS service, so the real SDK clients
parse them; nothing here checks signatures (moto does not either).
"""

import argparse
import io
import json
import os
import re
import sys
import threading
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

from moto.iam.models import get_account_id_from
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.datastructures import Headers
from werkzeug.serving import run_simple
from werkzeug.test import run_wsgi_app
from werkzeug.wrappers import Request, Response

SEED_PATH = "/orgexit-plugin/seed"
IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/"
REQUEST_ID = "6f0c2d1e-orgexit-moto-plugin"
ORGANIZATIONS = "AWSOrganizationsV20161128."
AWS_JSON_1_1 = "application/x-amz-json-1.1"
# GetAccountInformation's defaults for an account with nothing seeded.
DEFAULT_CREATED = "2020-01-01T00:00:00Z"
DEFAULT_STATE = "ACTIVE"
# When a seeded delegated administrator was registered.
DELEGATION_ENABLED = "2024-01-15T00:00:00Z"
SUMMARY_KEYS = ("AccountPasswordPresent", "AccountMFAEnabled", "AccountAccessKeysPresent")

_lock = threading.Lock()
_accounts = {}


def _account(request):
    """The account the request acts for, as moto decides it from the access key."""
    auth = request.headers.get("Authorization", "")
    key = auth.split("Credential=", 1)[1].split("/", 1)[0] if "Credential=" in auth else ""
    return get_account_id_from(key)


def _service(request):
    """The signing name in the request's SigV4 credential scope."""
    auth = request.headers.get("Authorization", "")
    try:
        return auth.split("Credential=", 1)[1].split(",", 1)[0].split("/")[3]
    except IndexError:
        return ""


def _seeded(account):
    with _lock:
        return dict(_accounts.get(account, {}))


def _json(status, body, content_type, headers=None):
    return Response(json.dumps(body), status=status, content_type=content_type, headers=headers)


def _body(request):
    """The request's JSON body, read from a cached copy (moto may read it again)."""
    return json.loads(request.get_data(cache=True) or b"{}")


def _time(rfc3339):
    return datetime.fromisoformat(rfc3339.replace("Z", "+00:00")).astimezone(timezone.utc)


def _epoch(rfc3339):
    return _time(rfc3339).timestamp()


def list_payment_instruments(request):
    account = _account(request)
    params = _body(request)
    instruments = _seeded(account).get("payments", [])
    if instruments == "denied":
        return _json(
            403,
            {
                "__type": "AccessDeniedException",
                "message": "IAM user access to billing information is not activated for this account",
                "reason": "NOT_AUTHORIZED",
            },
            "application/x-amz-json-1.0",
        )
    start = int(params.get("nextToken") or 0)
    size = max(1, min(int(params.get("maxResults") or 25), 25))
    page = instruments[start : start + size]
    body = {
        "paymentInstrumentSummaries": [
            {
                "id": i["id"],
                "arn": f"arn:aws:payments::{account}:payment-instrument/{i['id']}",
                "paymentMethod": i["method"],
                "status": i["status"],
                "accountId": account,
            }
            for i in page
        ]
    }
    if start + size < len(instruments):
        body["nextToken"] = str(start + size)
    return _json(200, body, "application/x-amz-json-1.0")


def get_contact_information(request):
    contact = _seeded(_account(request)).get("contact")
    if not contact:
        return _json(
            404,
            {"message": "Contact information not found for the account."},
            "application/json",
            {"x-amzn-ErrorType": "ResourceNotFoundException"},
        )
    return _json(200, {"ContactInformation": contact}, "application/json")


def get_account_information(request):
    account = _body(request).get("AccountId") or _account(request)
    info = _seeded(account).get("account_info", {})
    created = _time(info.get("created", DEFAULT_CREATED))
    return _json(
        200,
        {
            "AccountId": account,
            "AccountName": info.get("name", account),
            # timestampFormat iso8601 in the model (botocore's account/2021-02-01).
            "AccountCreatedDate": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "AccountState": info.get("state", DEFAULT_STATE),
        },
        "application/json",
    )


def list_regions(request):
    regions = _seeded(_account(request)).get("regions") or ["us-east-1"]
    wanted = _body(request).get("RegionOptStatusContains")
    listed = [
        {
            "RegionName": name,
            "RegionOptStatus": "ENABLED_BY_DEFAULT" if name == "us-east-1" else "ENABLED",
        }
        for name in sorted(regions)
    ]
    if wanted:
        listed = [r for r in listed if r["RegionOptStatus"] in wanted]
    return _json(200, {"Regions": listed}, "application/json")


def _member_denied():
    """What Organizations answers a member account for a management account's read."""
    return _json(
        400,
        {
            "__type": "AccessDeniedException",
            "Message": "You don't have permissions to access this resource.",
        },
        AWS_JSON_1_1,
    )


def list_delegated_services_for_account(request):
    account = _body(request).get("AccountId") or _account(request)
    services = _seeded(account).get("delegated")
    if services is None:
        return _member_denied()
    return _json(
        200,
        {
            "DelegatedServices": [
                {"ServicePrincipal": s, "DelegationEnabledDate": _epoch(DELEGATION_ENABLED)}
                for s in services
            ]
        },
        AWS_JSON_1_1,
    )


def _handshake(account, h):
    expires = _time(h["expires"])
    requested = _time(h["requested"]) if "requested" in h else expires - timedelta(days=14)
    management = h["management_account"]
    nested = [
        {"Type": "MANAGEMENT_ACCOUNT", "Value": management},
        {"Type": "MANAGEMENT_EMAIL", "Value": h["management_email"]},
        {"Type": "MANAGEMENT_NAME", "Value": h.get("management_name", "management")},
    ]
    if h["action"] == "INVITE":
        nested.append({"Type": "ORGANIZATION_FEATURE_SET", "Value": "ALL"})
    resources = [
        {"Type": "ORGANIZATION", "Value": h["org"], "Resources": nested},
        {"Type": "ACCOUNT", "Value": account},
    ]
    if h["action"] == "TRANSFER_RESPONSIBILITY":
        resources.append({"Type": "TRANSFER_TYPE", "Value": "BILLING"})
    kind = h["action"].lower()
    return {
        "Id": h["id"],
        "Arn": f"arn:aws:organizations::{management}:handshake/{h['org']}/{kind}/{h['id']}",
        "Parties": [
            {"Id": h["org"], "Type": "ORGANIZATION"},
            {"Id": account, "Type": "ACCOUNT"},
        ],
        "State": h["state"],
        "RequestedTimestamp": requested.timestamp(),
        "ExpirationTimestamp": expires.timestamp(),
        "Action": h["action"],
        "Resources": resources,
    }


def list_handshakes_for_account(request):
    """The seeded handshakes, or None (moto answers) when the account has none seeded."""
    account = _account(request)
    handshakes = _seeded(account).get("handshakes")
    if handshakes is None:
        return None
    wanted = (_body(request).get("Filter") or {}).get("ActionType")
    listed = [_handshake(account, h) for h in handshakes if wanted in (None, h["action"])]
    return _json(200, {"Handshakes": listed}, AWS_JSON_1_1)


def list_outbound_responsibility_transfers(request):
    account = _account(request)
    if _body(request).get("Type") != "BILLING":
        return _json(
            400,
            {
                "__type": "InvalidInputException",
                "Message": "1 validation error detected: Value at 'type' failed to satisfy constraint: Member must satisfy enum value set: [BILLING]",
            },
            AWS_JSON_1_1,
        )
    transfers = _seeded(account).get("billing_transfers")
    if transfers is None:
        return _member_denied()
    listed = []
    for t in transfers:
        item = {
            "Arn": f"arn:aws:organizations::{account}:transfer/o-{account}/billing/outbound/{t['id']}",
            "Id": t["id"],
            "Type": "BILLING",
            "Status": t["status"],
            "Source": {"ManagementAccountId": account},
            "Target": {
                "ManagementAccountId": t["payer_account"],
                "ManagementAccountEmail": t["payer_email"],
            },
            "StartTimestamp": _epoch(t["start"]),
        }
        if "end" in t:
            item["EndTimestamp"] = _epoch(t["end"])
        if "name" in t:
            item["Name"] = t["name"]
        listed.append(item)
    return _json(200, {"ResponsibilityTransfers": listed}, AWS_JSON_1_1)


def simulate_principal_policy(request, form):
    account = _account(request)
    principal = form.get("PolicySourceArn", [""])[0]
    numbered = [
        (int(name.rsplit(".", 1)[1]), values[0])
        for name, values in form.items()
        if name.startswith("ActionNames.member.")
    ]
    actions = [action for _, action in sorted(numbered)]
    seeded = _seeded(account).get("leavers", {}).get(principal)
    if seeded is None:
        body = (
            f'<ErrorResponse xmlns="{IAM_NS}"><Error><Type>Sender</Type><Code>NoSuchEntity</Code>'
            f"<Message>The principal {escape(principal)} does not exist.</Message></Error>"
            f"<RequestId>{REQUEST_ID}</RequestId></ErrorResponse>"
        )
        return Response(body, status=404, content_type="text/xml")

    def result(action):
        decision = {k: v for k, v in seeded.items() if k != "actions"}
        decision.update(seeded.get("actions", {}).get(action, {}))
        orgs = decision.get("allowed_by_organizations")
        detail = (
            ""
            if orgs is None
            else "<OrganizationsDecisionDetail><AllowedByOrganizations>"
            f"{'true' if orgs else 'false'}</AllowedByOrganizations></OrganizationsDecisionDetail>"
        )
        return (
            f"<member><EvalActionName>{escape(action)}</EvalActionName>"
            "<EvalResourceName>*</EvalResourceName>"
            f"<EvalDecision>{escape(decision['decision'])}</EvalDecision>"
            f"<MatchedStatements/><MissingContextValues/>{detail}</member>"
        )

    results = "".join(result(action) for action in actions)
    body = (
        f'<SimulatePrincipalPolicyResponse xmlns="{IAM_NS}"><SimulatePrincipalPolicyResult>'
        f"<IsTruncated>false</IsTruncated><EvaluationResults>{results}</EvaluationResults>"
        "</SimulatePrincipalPolicyResult>"
        f"<ResponseMetadata><RequestId>{REQUEST_ID}</RequestId></ResponseMetadata>"
        "</SimulatePrincipalPolicyResponse>"
    )
    return Response(body, status=200, content_type="text/xml")


def list_service_specific_credentials():
    body = (
        f'<ListServiceSpecificCredentialsResponse xmlns="{IAM_NS}">'
        "<ListServiceSpecificCredentialsResult><ServiceSpecificCredentials/>"
        "</ListServiceSpecificCredentialsResult>"
        f"<ResponseMetadata><RequestId>{REQUEST_ID}</RequestId></ResponseMetadata>"
        "</ListServiceSpecificCredentialsResponse>"
    )
    return Response(body, status=200, content_type="text/xml")


def patch_summary_map(xml, account):
    """moto's GetAccountSummary XML with the seeded (or default) root facts set."""
    seeded = _seeded(account).get("summary", {})
    values = {"AccountPasswordPresent": seeded.get("AccountPasswordPresent", 1)}
    values.update({k: seeded[k] for k in SUMMARY_KEYS[1:] if k in seeded})
    for key, value in values.items():
        entry = f"<entry><key>{key}</key><value>{int(value)}</value></entry>"
        pattern = re.compile(f"<entry><key>{key}</key><value>[^<]*</value></entry>")
        if pattern.search(xml):
            xml = pattern.sub(entry, xml, count=1)
        else:
            xml = xml.replace("</SummaryMap>", entry + "</SummaryMap>", 1)
    return xml


def seed(request):
    data = json.loads(request.get_data() or b"{}")
    with _lock:
        for account, values in data.items():
            _accounts.setdefault(account, {}).update(values)
    return _json(200, {"seeded": sorted(data)}, "application/json")


class Plugin:
    """Answers what moto does not, and hands every other request to moto."""

    def __init__(self, moto):
        self.moto = moto

    def get_account_summary(self, request, environ):
        app_iter, status, headers = run_wsgi_app(self.moto, environ, buffered=True)
        try:
            body = b"".join(app_iter)
        finally:
            if hasattr(app_iter, "close"):
                app_iter.close()
        if not status.startswith("200"):
            return Response(body, status=status, headers=headers)
        patched = patch_summary_map(body.decode("utf-8"), _account(request))
        headers = Headers([(k, v) for k, v in headers if k.lower() != "content-length"])
        return Response(patched, status=status, headers=headers)

    def __call__(self, environ, start_response):
        request = Request(environ)
        answer = None
        target = request.headers.get("X-Amz-Target", "")
        service = _service(request)
        if request.path == SEED_PATH and request.method == "POST":
            answer = seed(request)
        elif target == "AWSPayments.ListPaymentInstruments":
            answer = list_payment_instruments(request)
        elif service == "account" and request.path == "/getContactInformation":
            answer = get_contact_information(request)
        elif service == "account" and request.path == "/getAccountInformation":
            answer = get_account_information(request)
        elif service == "account" and request.path == "/listRegions":
            answer = list_regions(request)
        elif target == ORGANIZATIONS + "ListDelegatedServicesForAccount":
            answer = list_delegated_services_for_account(request)
        elif target == ORGANIZATIONS + "ListHandshakesForAccount":
            answer = list_handshakes_for_account(request)
        elif target == ORGANIZATIONS + "ListOutboundResponsibilityTransfers":
            answer = list_outbound_responsibility_transfers(request)
        elif service == "iam" and request.method == "POST":
            # Read the form from a copy of the body: moto reads it again when it answers.
            body = request.get_data(cache=True)
            form = parse_qs(body.decode("utf-8", "replace"))
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            action = form.get("Action", [""])[0]
            if action == "SimulatePrincipalPolicy":
                answer = simulate_principal_policy(request, form)
            elif action == "GetAccountSummary":
                answer = self.get_account_summary(request, environ)
            elif action == "ListServiceSpecificCredentials":
                answer = list_service_specific_credentials()
        if answer is None and request.headers.get("X-Amz-Target") is not None:
            # The JSON body was read (and cached) above: hand moto a fresh copy.
            body = request.get_data(cache=True)
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
        if answer is not None:
            return answer(environ, start_response)
        return self.moto(environ, start_response)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=5000)
    args = parser.parse_args(argv)
    # As moto_server does: moto sends some requests to itself on this port.
    os.environ.setdefault("MOTO_PORT", str(args.port))
    moto = DomainDispatcherApplication(create_backend_app)
    run_simple(args.host, args.port, Plugin(moto), threaded=True)


if __name__ == "__main__":
    main(sys.argv[1:])
