# One Lambda function instance for a Python runtime: a Python process started by
# python-process.ts, the local counterpart of Lambda's Python runtime interface client
# (awslambdaric). It imports the handler once and runs one invocation at a time.
#
# Protocol (the same messages as worker.mjs exchanges over Node's IPC channel, see
# protocol.ts): newline-delimited JSON, host -> instance on fd 3, instance -> host on fd 4.
# stdout and stderr are not the channel: print() and logging become `log` messages carrying
# the request id, so each line is attributed to the invocation that wrote it, and output of
# native code (written to fd 1 and 2 directly) still reaches the host as plain lines.
#
# Standard library only, and no syntax newer than Python 3.8: it runs on whichever python3 the
# machine has, before the handler's imports.
import decimal
import importlib
import json
import logging
import os
import sys
import threading
import time
import traceback

_IN = os.fdopen(3, "rb")
_OUT = os.fdopen(4, "wb", buffering=0)
_OUT_LOCK = threading.Lock()

# The folder of this script is not the handler's: only the task root and /opt come before the
# interpreter's own paths, as in Lambda.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]

_current_request_id = None
# Lambda keeps the last request id on lines written after a handler returned (a thread's output).
_last_request_id = None


def _send(message):
    line = (json.dumps(message, ensure_ascii=False) + "\n").encode("utf-8")
    with _OUT_LOCK:
        try:
            _OUT.write(line)
        except (BrokenPipeError, OSError):
            # The host has gone: nothing is left to answer to.
            os._exit(0)


def _log(level, text):
    _send({"type": "log", "requestId": _current_request_id or _last_request_id, "level": level, "text": text})


class _LineWriter(object):
    """sys.stdout / sys.stderr: whole lines become log messages of the invocation that wrote them."""

    def __init__(self, level, underlying):
        self._level = level
        self._partial = ""
        self._lock = threading.Lock()
        self.encoding = "utf-8"
        self.errors = "strict"
        self.buffer = getattr(underlying, "buffer", None)

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError("write() argument must be str, not %s" % type(text).__name__)
        with self._lock:
            lines = (self._partial + text).split("\n")
            self._partial = lines.pop()
        for line in lines:
            _log(self._level, line)
        return len(text)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        with self._lock:
            partial, self._partial = self._partial, ""
        if partial:
            _log(self._level, partial)

    def isatty(self):
        return False

    def writable(self):
        return True

    def fileno(self):
        raise OSError("the instance's output is not a file")


# Levels as the host names them (WARN, not WARNING, as Node's runtime and CloudWatch's JSON logs).
_LEVELS = {"WARNING": "WARN", "CRITICAL": "FATAL"}


class _LambdaLoggerHandler(logging.Handler):
    """The root logger's handler in Lambda's Python runtime: each record is one log line of its request."""

    def emit(self, record):
        try:
            _log(_LEVELS.get(record.levelname, record.levelname), self.format(record))
        except Exception:
            self.handleError(record)


class _RequestIdFilter(logging.Filter):
    """Lambda's filter: records carry `aws_request_id` for formats that name it."""

    def filter(self, record):
        record.aws_request_id = _current_request_id or _last_request_id or ""
        return True


def _setup_output():
    sys.stdout = _LineWriter("INFO", sys.stdout)
    sys.stderr = _LineWriter("ERROR", sys.stderr)
    handler = _LambdaLoggerHandler()
    handler.addFilter(_RequestIdFilter())
    # The root logger keeps Python's default level (WARNING), as in Lambda: logger.info() needs setLevel.
    logging.getLogger().addHandler(handler)


def _version_tuple(version):
    return tuple(int(part) for part in version.split(".")[:3] if part.isdigit())


def _endpoint_from_environment(session_module):
    """Clients of a botocore session created without endpoint_url get AWS_ENDPOINT_URL[_<SERVICE>]."""
    original = session_module.Session.create_client

    def create_client(self, service_name, *args, **kwargs):
        # endpoint_url is the fifth parameter after service_name; boto3 passes it by keyword.
        if len(args) < 5 and kwargs.get("endpoint_url") is None:
            service = service_name.upper().replace("-", "_")
            url = os.environ.get("AWS_ENDPOINT_URL_" + service) or os.environ.get("AWS_ENDPOINT_URL")
            if url:
                kwargs["endpoint_url"] = url
        return original(self, service_name, *args, **kwargs)

    session_module.Session.create_client = create_client


class _OldBotocoreEndpoints(object):
    """
    botocore reads AWS_ENDPOINT_URL from 1.31 (boto3 1.28, July 2023) on, as Lambda's does; an
    older one (Debian 12's python3-boto3 is 1.26) would call AWS itself. For those versions only,
    botocore.session is patched as it is imported, so that boto3 reaches the local endpoint
    unmodified. A meta path finder rather than an import here: botocore costs a cold start
    ~100 ms, which handlers that never import it must not pay.
    """

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "botocore.session":
            return None
        spec = None
        for finder in sys.meta_path:
            if finder is not self and hasattr(finder, "find_spec"):
                spec = finder.find_spec(fullname, path, target)
                if spec is not None:
                    break
        if spec is None or spec.loader is None:
            return spec
        exec_module = spec.loader.exec_module

        def exec_and_patch(module):
            exec_module(module)
            if _version_tuple(getattr(sys.modules.get("botocore"), "__version__", "0")) < (1, 31, 0):
                _endpoint_from_environment(module)

        spec.loader.exec_module = exec_and_patch
        return spec


class FaultException(Exception):
    """A failure the runtime reports with its own error type (awslambdaric's FaultException)."""

    IMPORT_MODULE_ERROR = "Runtime.ImportModuleError"
    BUILT_IN_MODULE_CONFLICT = "Runtime.BuiltInModuleConflict"
    MALFORMED_HANDLER_NAME = "Runtime.MalformedHandlerName"
    USER_CODE_SYNTAX_ERROR = "Runtime.UserCodeSyntaxError"
    HANDLER_NOT_FOUND = "Runtime.HandlerNotFound"
    MARSHAL_ERROR = "Runtime.MarshalError"

    def __init__(self, exception_type, msg, trace=None):
        Exception.__init__(self, msg)
        self.exception_type = exception_type
        self.msg = msg
        self.trace = trace


def _make_error(message, error_type, stack_trace, request_id):
    # Lambda's key order for Python: errorMessage, errorType, requestId, stackTrace.
    return {"errorMessage": message or "", "errorType": error_type or "", "requestId": request_id or "", "stackTrace": stack_trace or []}


def _fault_result(exc_info, request_id):
    """An exception's error payload: the stack trace without this runtime's own frames."""
    etype, value, tb = exc_info
    frames = traceback.extract_tb(tb)
    for i, frame in enumerate(frames):
        if not frame[0].endswith("/bootstrap.py"):
            frames = frames[i:]
            break
    return _make_error(str(value), etype.__name__, traceback.format_list(frames), request_id)


def _log_error(error):
    """Lambda's log record of a failed init or invocation: `[ERROR] Type: message` and the traceback."""
    head = "[ERROR]"
    if error["errorType"]:
        head += " " + error["errorType"] + (":" if error["errorMessage"] else "")
    if error["errorMessage"]:
        head += " " + error["errorMessage"]
    lines = [head, "Traceback (most recent call last):"]
    for element in error["stackTrace"]:
        lines.extend(element.splitlines() or [""])
    _log("ERROR", "\n".join(lines))


def _load_handler(handler):
    """awslambdaric's _get_handler: `module.function`, the module may be `dir/module` or `pkg.module`."""
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise FaultException(FaultException.MALFORMED_HANDLER_NAME, "Bad handler '%s': %s" % (handler, e))
    try:
        if modname.split(".")[0] in sys.builtin_module_names:
            raise FaultException(FaultException.BUILT_IN_MODULE_CONFLICT, "Cannot use built-in module %s as a handler module" % modname)
        module = importlib.import_module(modname.replace("/", "."))
    except ImportError as e:
        raise FaultException(FaultException.IMPORT_MODULE_ERROR, "Unable to import module '%s': %s" % (modname, e))
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise FaultException(FaultException.USER_CODE_SYNTAX_ERROR, "Syntax error in module '%s': %s" % (modname, e), trace)
    try:
        return getattr(module, fname)
    except AttributeError:
        fault = FaultException(FaultException.HANDLER_NOT_FOUND, "Handler '%s' missing on module '%s'" % (fname, modname))

        # As in Lambda, the init succeeds and every invocation fails with the fault.
        def missing_handler(*_args):
            raise fault

        return missing_handler


class _Obj(object):
    """Lambda's make_obj_from_dict: attributes from a dict's keys, None for the others."""

    def __init__(self, fields, values):
        for field in fields:
            setattr(self, field, (values or {}).get(field))


class LambdaContext(object):
    """The `context` argument, with the attributes and method of Lambda's Python runtime."""

    def __init__(self, init, request_id, deadline_ms, client_context):
        self.aws_request_id = request_id
        self.log_group_name = init["logGroupName"]
        self.log_stream_name = init["logStreamName"]
        self.function_name = init["functionName"]
        # A string, as Lambda's runtime reads it from AWS_LAMBDA_FUNCTION_MEMORY_SIZE.
        self.memory_limit_in_mb = str(init["memoryMb"])
        self.function_version = "$LATEST"
        self.invoked_function_arn = init["functionArn"]
        self.identity = _Obj(["cognito_identity_id", "cognito_identity_pool_id"], None)
        self.client_context = None
        if client_context is not None:
            self.client_context = _Obj(["client", "custom", "env"], client_context)
            self.client_context.client = _Obj(["installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name"], client_context.get("client"))
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        return max(0, self._deadline_ms - int(time.time() * 1000))

    def log(self, msg):
        _log("INFO", str(msg).rstrip("\n"))


class _Encoder(json.JSONEncoder):
    """Lambda's response encoder: Decimal (what boto3's DynamoDB reads return) as a number."""

    def default(self, o):
        if isinstance(o, decimal.Decimal):
            return int(o) if o == o.to_integral_value() else float(o)
        return json.JSONEncoder.default(self, o)


def _client_context(encoded):
    if not encoded:
        return None
    import base64

    return json.loads(base64.b64decode(encoded).decode("utf-8"))


def _invoke(init, handler, invocation, timeout_ms):
    global _current_request_id, _last_request_id
    request_id = invocation["requestId"]
    _current_request_id = _last_request_id = request_id
    context = LambdaContext(init, request_id, int(time.time() * 1000) + timeout_ms, _client_context(invocation.get("clientContext")))
    try:
        result = handler(json.loads(invocation["payload"]), context)
        try:
            payload = json.dumps(result, cls=_Encoder, ensure_ascii=False)
        except (TypeError, ValueError) as e:
            raise FaultException(FaultException.MARSHAL_ERROR, "Unable to marshal response: %s" % e)
        answer = {"type": "result", "requestId": request_id, "payload": payload}
    except FaultException as e:
        error = _make_error(e.msg, e.exception_type, e.trace, request_id)
        _log_error(error)
        answer = {"type": "error", "requestId": request_id, "error": error}
    except Exception:
        error = _fault_result(sys.exc_info(), request_id)
        _log_error(error)
        answer = {"type": "error", "requestId": request_id, "error": error}
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        _current_request_id = None
    _send(answer)


def _messages():
    for line in _IN:
        if line.strip():
            yield json.loads(line.decode("utf-8"))


def main():
    _setup_output()
    if os.environ.get("AWS_ENDPOINT_URL"):
        sys.meta_path.insert(0, _OldBotocoreEndpoints())
    messages = _messages()
    # The first message is the instance's init (it may wait: a process started ahead of its code).
    first = next(messages, None)
    if first is None:
        return
    init = first["init"]
    os.chdir(init["codeDir"])
    os.environ["LAMBDA_TASK_ROOT"] = init["codeDir"]
    opt = os.environ.get("SWITCHYARD_OPT_DIR")
    layers = [os.path.join(opt, "python", "lib", "python%d.%d" % sys.version_info[:2], "site-packages"), os.path.join(opt, "python")] if opt else []
    sys.path[0:0] = [init["codeDir"]] + layers
    try:
        handler = _load_handler(init["handler"])
    except FaultException as e:
        error = _make_error(e.msg, e.exception_type, e.trace, None)
    except Exception:
        error = _fault_result(sys.exc_info(), None)
    else:
        error = None
    if error is not None:
        _log_error(error)
        _send({"type": "init-error", "error": error})
        sys.exit(1)
    _send({"type": "ready"})
    for message in messages:
        for invocation in message["invocations"]:
            _invoke(init, handler, invocation, message["timeoutMs"])


if __name__ == "__main__":
    main()
