using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Doctor.DeviceLog;

// What the server answered: esp_https_ota's status lines (components/esp_https_ota/src/esp_https_ota.c,
// _http_handle_response_code), esp_http_client's body lines, and Azure Blob Storage's XML error body
// as a device that writes whatever it receives prints it.
public static partial class DeviceLogRules
{
    private const string Http = "http";
    private const string FixStatus = "`dotnet esp-release probe <url>` makes the device's request and shows the status, the server's error code (x-ms-error-code) and the body";
    private const string FixSas = "put the SAS in the URL's query string, never in an Authorization header; publish again for a fresh device URL (`dotnet esp-release publish <dir>/build --to azure://<account>/<container>`), and check it with `dotnet esp-release probe <url>`";

    private static DeviceLogRule[] HttpRules() =>
    [
        new()
        {
            Code = DiagnosticCodes.DeviceAzureAuthentication, Title = "Azure: AuthenticationFailed", Family = Http, Role = RuleRole.Refines,
            Patterns = [@"<Code>\s*(?<code>AuthenticationFailed|InvalidAuthenticationInfo)\s*</Code>", @"\b(?<code>AuthenticationFailed|InvalidAuthenticationInfo)\b", @"Server failed to authenticate the request", @"<AuthenticationErrorDetail>"],
            Example = "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>AuthenticationFailed</Code><Message>Server failed to authenticate the request.",
            Source = "Azure Blob Storage's error body (common REST API error codes)",
            Cause = "Azure Blob Storage refused the request's credentials ({code}): the SAS token went into an Authorization header (Blob Storage reads a SAS only from the query string), or it expired, was mangled (an unencoded '+' in sig) or was signed with a rotated key.",
            Fix = FixSas,
        },
        new()
        {
            Code = DiagnosticCodes.DeviceAzurePermission, Title = "Azure: the SAS does not allow this read", Family = Http, Role = RuleRole.Refines,
            Patterns = [@"\b(?<code>AuthorizationPermissionMismatch|AuthorizationResourceTypeMismatch|AuthorizationProtocolMismatch|AuthorizationSourceIPMismatch|AuthorizationFailure|PublicAccessNotPermitted|AccountRequiresHttps)\b"],
            Example = "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>AuthorizationPermissionMismatch</Code>",
            Source = "Azure Blob Storage's error body (common REST API error codes)",
            Cause = "Azure Blob Storage authenticated the request but refused it ({code}).",
            Explain = m => m.Groups["code"].Value switch
            {
                "AuthorizationPermissionMismatch" => "The SAS lacks read permission (sp=r).",
                "AuthorizationResourceTypeMismatch" => "The SAS is for another resource type (sr).",
                "AuthorizationProtocolMismatch" => "The SAS allows https only (spr=https) and the URL is http.",
                "AuthorizationSourceIPMismatch" => "The SAS allows other source addresses (sip).",
                "PublicAccessNotPermitted" => "The account forbids anonymous access: the URL needs a SAS.",
                "AccountRequiresHttps" => "The account requires https.",
                _ => "Network rules or the account's settings refuse it.",
            },
            Fix = FixSas,
        },
        new()
        {
            Code = DiagnosticCodes.DeviceAzureNotFound, Title = "Azure: blob or container not found", Family = Http, Role = RuleRole.Refines,
            Patterns = [@"\b(?<code>ResourceNotFound|BlobNotFound|ContainerNotFound)\b"],
            Example = "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>BlobNotFound</Code><Message>The specified blob does not exist.",
            Source = "Azure Blob Storage's error body (common REST API error codes)",
            Cause = "Azure Blob Storage has no such blob or container ({code}), or hides a private container from a request without a SAS.",
            Fix = "check the path, and use the SAS device URL `dotnet esp-release publish <dir>/build --to azure://<account>/<container> --show-sas` prints; `dotnet esp-release probe <url>` shows what the server answers",
        },
        new()
        {
            Code = DiagnosticCodes.DeviceHttpStatus, Title = "server answered 403 or 404", Family = Http,
            Patterns = [@"File not found\((?<status>\d+)\)"],
            Example = "E (5410) esp_https_ota: File not found(403)",
            Source = "components/esp_https_ota/src/esp_https_ota.c (_http_handle_response_code)",
            Cause = "the server answered {status} (esp_https_ota prints 403 and 404 both as \"File not found\").",
            Explain = m => m.Groups["status"].Value == "403"
                ? "403: the server refuses the device: a private container, a SAS missing, expired or sent in a header instead of the URL's query string."
                : "404: no file at that path (or a private Azure container hiding it).",
            Fix = FixStatus,
        },
        new()
        {
            Code = DiagnosticCodes.DeviceHttpStatus, Title = "server answered an error status", Family = Http,
            Patterns = [@"(?:Client|Server) error \((?<status>\d+)\)", @"Received incorrect http status (?<status>\d+)", @"Server returned status code (?<status>\d+)", @"HTTP (?:GET )?[Ss]tatus(?: code)? ?= ?(?<status>[45]\d\d)\b"],
            Example = "E (5410) esp_https_ota: Server error (503)",
            Source = "components/esp_https_ota/src/esp_https_ota.c (_http_handle_response_code, esp_https_ota_begin)",
            Cause = "the server answered {status} instead of the image.",
            Explain = m => StatusMeaning(m.Groups["status"].Value),
            Fix = FixStatus,
        },
        new()
        {
            Code = DiagnosticCodes.DeviceHttpStatus, Title = "server wants credentials (401)", Family = Http,
            Patterns = [@"Reached max_authorization_retries \((?<status>\d+)\)", @"Error, reached max_authorization_retries", @"This authentication method is not supported", @"esp_https_ota: Authorization Failed"],
            Example = "E (5410) esp_https_ota: Reached max_authorization_retries (401)",
            Source = "components/esp_https_ota/src/esp_https_ota.c, components/esp_http_client/esp_http_client.c",
            Cause = "the server answered 401 and the device has no credentials it accepts (esp_http_client does Basic and Digest only).",
            Fix = "serve the image without credentials, with a token in the URL (an Azure SAS); `dotnet esp-release probe <url>` shows what the server asks for",
        },
        new()
        {
            Code = DiagnosticCodes.DeviceContentLength, Title = "no Content-Length (chunked)",
            Patterns = [@"Failed to get image length", @"esp_https_ota.*\bchunked\b"],
            Example = "E (5412) esp_https_ota: Failed to get image length from http response",
            Source = "components/esp_https_ota/src/esp_https_ota.c (esp_https_ota_begin)",
            Cause = "the server sent the image without a Content-Length (chunked, or until it closes): esp_https_ota's partial download and resumption need the size, and the device cannot tell a cut-off download from a whole one.",
            Fix = "serve the file with a Content-Length and no chunked encoding (`dotnet esp-release serve`, Azure Blob, nginx); `dotnet esp-release probe <url>` checks it",
        },
        new()
        {
            Code = DiagnosticCodes.DeviceContentLength, Title = "download cut short",
            Patterns = [@"Connection closed before complete data was received", @"Incomplete chunked data received (?<ret>-?\d+)", @"Incoml?plete data received, ret=-?\d+, (?<got>\d+)/(?<total>\d+) bytes", @"Complete data was not received", @"Image size mismatch", @"data read -?\d+, errno \d+"],
            Example = "E (9412) esp_https_ota: Connection closed before complete data was received!",
            Source = "components/esp_https_ota/src/esp_https_ota.c, components/esp_http_client/esp_http_client.c",
            Cause = "the connection ended before the whole image arrived (fewer bytes than the Content-Length or the chunks announced): the server or a proxy closed it, or Wi-Fi dropped.",
            Fix = "`dotnet esp-release probe <url>` downloads the image as the device does and compares size and SHA-256 with the release",
        },
        new()
        {
            Code = DiagnosticCodes.DeviceRangeIgnored, Severity = Severity.Warning, Title = "server ignores Range (resumption)",
            Patterns = [@"Server ignored the requested Range header", @"OTA resumption requires server with range request support"],
            Example = "W (5412) esp_https_ota: Server ignored the requested Range header",
            Source = "components/esp_https_ota/src/esp_https_ota.c (_http_handle_response_code)",
            Cause = "the device asked to resume the download (a Range request) and the server sent the whole file: the update starts again from the first byte.",
            Fix = "serve from a server that supports Range (`dotnet esp-release serve`, Azure Blob, nginx); `dotnet esp-release probe <url>` checks HEAD and Range",
        },
    ];

    private static string StatusMeaning(string status) => status switch
    {
        "400" => "400: the server could not parse the request (a URL with spaces or unencoded characters?).",
        "405" => "405: the server refuses the method.",
        "409" => "409: on Azure, PublicAccessNotPermitted: the URL needs a SAS.",
        "410" => "410: the file was removed.",
        "416" => "416: the server refuses the requested Range.",
        "429" => "429: the server is throttling the device.",
        _ when status.StartsWith('5') => $"{status}: the server failed; its own log says why.",
        _ => "",
    };
}
