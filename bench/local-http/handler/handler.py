# The Python row's handler: the same answer as handler.js, standard library only.
import json


def hello(event, context):
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/json"},
        "body": json.dumps({"message": "hello", "path": event.get("rawPath") or event.get("path")}),
    }
