namespace EspRelease.Core.Doctor.DeviceLog;

/// <summary>How a rule's line relates to the lines around it in one failed attempt.</summary>
public enum RuleRole
{
    /// <summary>Names a cause; joins the attempt's lines of the same family (the handshake's other lines), else starts a finding.</summary>
    Cause,

    /// <summary>Names the cause more precisely than a line of its family already did (the verification info after -0x2700): replaces that finding's cause.</summary>
    Refines,

    /// <summary>A consequence every failure prints (ESP_ERR_HTTP_CONNECT, "Firmware upgrade failed"): joins the attempt's finding, stands alone only when nothing before it said why.</summary>
    Follows,
}
