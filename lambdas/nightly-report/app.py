"""
Nightly: counts the orders and revenue by status and publishes `DailyOrderReport`.

The shop's Python function, where a real shop often has one: reporting code. It runs on
Lambda's Python runtime with the boto3 that runtime provides (so no requirements.txt), and
under `switchyard dev` on this machine's python3.
"""
import json
import os
from decimal import Decimal

import boto3

# Created once per execution environment, at import, as Lambda's guidance has it.
dynamodb = boto3.client("dynamodb")
events = boto3.client("events")


def lambda_handler(event, context):
    by_status = {}
    orders = 0
    revenue_cents = 0
    # `status` and `total` are both DynamoDB reserved words: the expression names them through placeholders.
    scan = {
        "TableName": os.environ["ORDERS_TABLE"],
        "ProjectionExpression": "#status, #total",
        "ExpressionAttributeNames": {"#status": "status", "#total": "total"},
    }
    while True:
        page = dynamodb.scan(**scan)
        for item in page.get("Items", []):
            orders += 1
            revenue_cents += int((Decimal(item.get("total", {}).get("N", "0")) * 100).to_integral_value())
            status = item.get("status", {}).get("S", "unknown")
            by_status[status] = by_status.get(status, 0) + 1
        if "LastEvaluatedKey" not in page:
            break
        scan["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    report = {"date": event["time"][:10], "orders": orders, "revenue": revenue_cents / 100, "byStatus": by_status}
    # PutEvents answers 200 even when an entry fails: a report that was not published is an error.
    out = events.put_events(
        Entries=[{"EventBusName": os.environ["SWITCHYARD_BUS_NAME"], "Source": "shop.orders", "DetailType": "DailyOrderReport", "Detail": json.dumps(report)}]
    )
    if out.get("FailedEntryCount"):
        raise RuntimeError("DailyOrderReport was not published: %s" % out["Entries"])
    return {"orders": orders, "revenue": report["revenue"]}
