"""moto_server with a small plugin for the reads moto does not implement.

Usage: python server.py -H 127.0.0.1 -p PORT   (the same options as moto_server)

moto answers everything it knows as moto_server does. Three reads orgexit sends are not
in moto, so this plugin answers them, from data seeded through POST /orgexit-plugin/seed
(a JSON object: account ID -> {"payments", "contact", "leavers"}, merged per account):

- AWS Payments `AWSPayments.ListPaymentInstruments` (awsJson 1.0, signing name
  `payments`): the account's seeded instruments, paginated by `nextToken` (at most
  `maxResults`, 25 by default), or `"payments": "denied"` -> AccessDeniedException
  (HTTP 403, reason NOT_AUTHORIZED), as AWS answers when IAM access to billing is not
  activated;
- Account `GetContactInformation` (restJson, `POST /getContactInformation`, no
  AccountId: the caller's account): the seeded contact, or ResourceNotFoundException
  (HTTP 404) when none is seeded;
- IAM `SimulatePrincipalPolicy` (query protocol): for a seeded principal ARN, one
  EvaluationResult per action name with the seeded `EvalDecision` and, when seeded,
  `OrganizationsDecisionDetail.AllowedByOrganizations`; NoSuchEntity (HTTP 404) for any
  other principal.

The account a request acts for is moto's own answer: the account of the request's access
key (an assumed role's keys act in the role's account), as moto's backends decide it.
Requests are answered in the wire format of the AWS service, so the real SDK clients
parse them; nothing here checks signatures (moto does not either).
"""

import argparse
import io
import json
import os
import sys
import threading
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

from moto.iam.models import get_account_id_from
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple
from werkzeug.wrappers import Request, Response

SEED_PATH = "/orgexit-plugin/seed"
IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/"
REQUEST_ID = "6f0c2d1e-orgexit-moto-plugin"

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


def list_payment_instruments(request):
    account = _account(request)
    params = json.loads(request.get_data() or b"{}")
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


def simulate_principal_policy(request, form):
    account = _account(request)
    principal = form.get("PolicySourceArn", [""])[0]
    actions = [
        values[0]
        for name, values in sorted(form.items())
        if name.startswith("ActionNames.member.")
    ]
    decision = _seeded(account).get("leavers", {}).get(principal)
    if decision is None:
        body = (
            f'<ErrorResponse xmlns="{IAM_NS}"><Error><Type>Sender</Type><Code>NoSuchEntity</Code>'
            f"<Message>The principal {escape(principal)} does not exist.</Message></Error>"
            f"<RequestId>{REQUEST_ID}</RequestId></ErrorResponse>"
        )
        return Response(body, status=404, content_type="text/xml")
    orgs = decision.get("allowed_by_organizations")
    detail = (
        ""
        if orgs is None
        else "<OrganizationsDecisionDetail><AllowedByOrganizations>"
        f"{'true' if orgs else 'false'}</AllowedByOrganizations></OrganizationsDecisionDetail>"
    )
    results = "".join(
        f"<member><EvalActionName>{escape(action)}</EvalActionName>"
        "<EvalResourceName>*</EvalResourceName>"
        f"<EvalDecision>{escape(decision['decision'])}</EvalDecision>"
        f"<MatchedStatements/><MissingContextValues/>{detail}</member>"
        for action in actions
    )
    body = (
        f'<SimulatePrincipalPolicyResponse xmlns="{IAM_NS}"><SimulatePrincipalPolicyResult>'
        f"<IsTruncated>false</IsTruncated><EvaluationResults>{results}</EvaluationResults>"
        "</SimulatePrincipalPolicyResult>"
        f"<ResponseMetadata><RequestId>{REQUEST_ID}</RequestId></ResponseMetadata>"
        "</SimulatePrincipalPolicyResponse>"
    )
    return Response(body, status=200, content_type="text/xml")


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

    def __call__(self, environ, start_response):
        request = Request(environ)
        answer = None
        if request.path == SEED_PATH and request.method == "POST":
            answer = seed(request)
        elif request.headers.get("X-Amz-Target") == "AWSPayments.ListPaymentInstruments":
            answer = list_payment_instruments(request)
        elif _service(request) == "account" and request.path == "/getContactInformation":
            answer = get_contact_information(request)
        elif _service(request) == "iam" and request.method == "POST":
            # Read the form from a copy of the body: moto reads it again when it answers.
            body = request.get_data(cache=True)
            form = parse_qs(body.decode("utf-8", "replace"))
            if form.get("Action") == ["SimulatePrincipalPolicy"]:
                answer = simulate_principal_policy(request, form)
            else:
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
