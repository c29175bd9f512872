namespace EspRelease.Core.Diagnostics;

/// <summary>
/// Every diagnostic code the core emits. Codes never change meaning once shipped: users grep for
/// them, CI filters on them, and MSBuild shows them as <c>error ESPR1xxx</c>.
/// </summary>
public static class DiagnosticCodes
{
    // Files and paths (10xx).
    public const string FileNotFound = "ESPR1001";
    public const string FileUnreadable = "ESPR1002";
    public const string UnknownInput = "ESPR1003";
    public const string NotARegularFile = "ESPR1004";
    public const string FileTooLarge = "ESPR1005";

    // App images (11xx).
    public const string EmptyFile = "ESPR1101";
    public const string BadMagic = "ESPR1102";
    public const string TruncatedHeader = "ESPR1103";
    public const string TooManySegments = "ESPR1104";
    public const string SegmentTruncated = "ESPR1105";
    public const string SegmentLengthInvalid = "ESPR1106";
    public const string ChecksumMismatch = "ESPR1107";
    public const string HashMismatch = "ESPR1108";
    public const string HashFlagInvalid = "ESPR1109";
    public const string UnknownChip = "ESPR1110";
    public const string TruncatedFooter = "ESPR1111";
    public const string AppWithoutHash = "ESPR1112";
    public const string MmuMisaligned = "ESPR1113";
    public const string UnexpectedTrailingData = "ESPR1114";
    public const string SignatureBlockInvalid = "ESPR1115";
    public const string AppDescriptorSegmentTooShort = "ESPR1116";
    public const string Esp8266Image = "ESPR1117";
    public const string SignatureFillNotErased = "ESPR1118";

    // Partition tables (12xx).
    public const string PartitionTableSize = "ESPR1201";
    public const string PartitionEntryInvalid = "ESPR1202";
    public const string PartitionMd5Mismatch = "ESPR1203";
    public const string PartitionNoEndMarker = "ESPR1204";
    public const string PartitionOverlap = "ESPR1205";
    public const string PartitionPastAddressSpace = "ESPR1206";

    // Build directories and cross-checks (13xx).
    public const string BuildFileMissing = "ESPR1301";
    public const string BuildJsonInvalid = "ESPR1302";
    public const string ChipMismatch = "ESPR1303";
    public const string ProjectNameMismatch = "ESPR1304";
    public const string VersionMismatch = "ESPR1305";
    public const string AppTooLargeForSlot = "ESPR1306";
    public const string NotAnApp = "ESPR1307";
    public const string NoAppSlot = "ESPR1308";

    public const string FactoryPartsOverlap = "ESPR1309";
    public const string FactoryPartPastFlash = "ESPR1310";

    // Versions (14xx).
    public const string VersionLost = "ESPR1401";
    public const string VersionNotSemver = "ESPR1402";
    public const string VersionNotExpected = "ESPR1403";
    public const string VersionNotNewer = "ESPR1404";
    public const string SecureVersionDecreased = "ESPR1405";
    public const string SecureVersionBeyondEfuse = "ESPR1406";
    public const string ChannelProductMismatch = "ESPR1407";

    // Versions computed from git, `esp-release version` and `--version git` (141x errors, 241x warnings).
    public const string GitNotARepository = "ESPR1410";
    public const string GitNotInstalled = "ESPR1411";
    public const string GitShallowClone = "ESPR1412";
    public const string GitNoTag = "ESPR1413";
    public const string GitOptionInvalid = "ESPR1414";
    public const string GitFailed = "ESPR1415";
    public const string GitNoTagWarning = "ESPR2410";
    public const string VersionFileIgnoredByCMake = "ESPR2411";
    public const string VersionFileIgnoredBySdkconfig = "ESPR2412";
    public const string VersionFromDirtyTree = "ESPR2413";

    // Keys, signatures and manifests (15xx).
    public const string KeyNotFound = "ESPR1501";
    public const string KeyInvalid = "ESPR1502";
    public const string KeyMissing = "ESPR1503";
    public const string KeyFileExists = "ESPR1504";
    public const string JwsMalformed = "ESPR1505";
    public const string JwsAlgorithm = "ESPR1506";
    public const string JwsUnknownKey = "ESPR1507";
    public const string JwsSignatureInvalid = "ESPR1508";
    public const string ManifestInvalid = "ESPR1509";
    public const string ManifestPayloadMismatch = "ESPR1510";
    public const string FirmwareMissing = "ESPR1511";
    public const string FirmwareMismatch = "ESPR1512";
    public const string ReleaseIncomplete = "ESPR1513";

    // Secure Boot V2 signing (152x): keys, schemes a chip can boot, external signatures.
    public const string SecureBootKeyInvalid = "ESPR1520";
    public const string SecureBootSchemeUnsupported = "ESPR1521";
    public const string SecureBootTooManyBlocks = "ESPR1522";
    public const string SecureBootMixedSchemes = "ESPR1523";
    public const string SecureBootImageNotSignable = "ESPR1524";
    public const string SecureBootSignatureRejected = "ESPR1525";
    public const string SecureBootChipRevision = "ESPR1526";

    // Hosts and channels (16xx).
    public const string HostInvalid = "ESPR1601";
    public const string HostUnavailable = "ESPR1602";
    public const string ImmutableConflict = "ESPR1603";
    public const string ReleaseNotOnHost = "ESPR1604";
    public const string ChannelEmpty = "ESPR1605";
    public const string ChannelNameInvalid = "ESPR1606";
    public const string ConcurrentPublish = "ESPR1607";
    public const string NothingToRollBackTo = "ESPR1608";

    // Staged rollout (161x errors, 261x warnings).
    public const string RolloutPercentInvalid = "ESPR1610";
    public const string RolloutDeviceIdInvalid = "ESPR1611";
    public const string RolloutLowered = "ESPR2610";

    // The dev server, `esp-release serve` (165x-166x errors, 265x-266x warnings).
    public const string ServePortInUse = "ESPR1650";
    public const string ServeCannotListen = "ESPR1651";
    public const string ServeDirectoryNotFound = "ESPR1652";
    public const string ServeBindAddressInvalid = "ESPR1653";
    public const string ServeHostNameInvalid = "ESPR1654";
    public const string ServeFileUnknown = "ESPR1655";
    public const string ServeFileOutsideRoot = "ESPR1656";
    public const string ServeDevCaInvalid = "ESPR1657";
    public const string ServeNoLanAddress = "ESPR2650";
    public const string ServeFileMissing = "ESPR2651";
    public const string ServeCaFileReplaced = "ESPR2652";
    public const string ServeFirmwareConfigChanged = "ESPR2653";

    // Azure Blob hosts (162x-163x errors, 262x-263x warnings).
    public const string AzureRequestFailed = "ESPR1621";
    public const string AzureCredentialsMissing = "ESPR1622";
    public const string AzureCredentialsInvalid = "ESPR1623";
    public const string AzureUnreachable = "ESPR1624";
    public const string RequestLineTooLong = "ESPR2621";
    public const string DeviceUrlUnsigned = "ESPR2622";

    // S3 hosts (164x errors, 264x warnings).
    public const string S3RequestFailed = "ESPR1641";
    public const string S3CredentialsMissing = "ESPR1642";
    public const string S3CredentialsInvalid = "ESPR1643";
    public const string S3Unreachable = "ESPR1644";
    public const string S3ConditionalWritesIgnored = "ESPR1645";
    public const string S3PresignedUrlExpires = "ESPR2641";
    public const string S3UnconditionalWrite = "ESPR2642";
    public const string S3PresignedFirmwareUrl = "ESPR2643";

    // probe: what the device would meet on a URL (167x errors, 267x warnings).
    public const string ProbeHttpStatus = "ESPR1670";
    public const string ProbeContentEncoding = "ESPR1672";
    public const string ProbeNotAnImage = "ESPR1673";
    public const string ProbeFirmwareMismatch = "ESPR1674";
    public const string ProbeRequestLineTooLong = "ESPR1676";
    public const string ProbeSasInHeader = "ESPR1677";
    public const string ProbeTlsNotJudged = "ESPR2670";

    // Warnings: only partial download and progress depend on them. (ESPR1671 and ESPR1675 were
    // these two, written with error codes as warnings; they are retired, never reused.)
    public const string ProbeNoContentLength = "ESPR2671";
    public const string ProbeRangeUnsupported = "ESPR2675";

    // The MSBuild package (105x). The targets and the netstandard2.0 tasks write these codes as
    // literals (they cannot reference the core); the values here are the registry.
    public const string MSBuildPropertyMissing = "ESPR1050";
    public const string MSBuildToolMissing = "ESPR1051";
    public const string MSBuildResultsMissing = "ESPR1052";
    public const string MSBuildToolFailed = "ESPR1053";

    // Configuration (17xx).
    public const string ConfigInvalid = "ESPR1701";

    // sdkconfig and Kconfig (18xx errors, 28xx warnings). An insecure switch is an error (181x) in a
    // release and a warning with the same last two digits (281x) otherwise.
    public const string SdkconfigInvalid = "ESPR1801";
    public const string SdkconfigOptionNotSet = "ESPR1802";
    public const string SdkconfigValueInvalid = "ESPR1803";
    public const string IdfProjectNotFound = "ESPR1804";
    public const string OtaUrlOptionNotFound = "ESPR1805";
    public const string OtaUrlOptionAmbiguous = "ESPR1806";
    public const string OtaUrlInvalid = "ESPR1807";
    public const string InsecureTls = "ESPR1810";
    public const string SkipServerCertVerify = "ESPR1811";
    public const string OtaAllowHttp = "ESPR1812";
    public const string SkipCommonNameCheck = "ESPR1813";
    public const string HttpFirmwareUrl = "ESPR1814";
    public const string WeakCertificateVerification = "ESPR1815";
    public const string SdkconfigMalformedLine = "ESPR2801";
    public const string SdkconfigDuplicateOption = "ESPR2802";
    public const string SdkconfigShadowsDefaults = "ESPR2803";
    public const string OtaUrlOptionChosen = "ESPR2804";
    public const string OptionNotInKconfig = "ESPR2805";
    public const string VersionCheckSkipped = "ESPR2806";
    public const string OtaUrlFromStdin = "ESPR2807";
    public const string InsecureTlsWarning = "ESPR2810";
    public const string SkipServerCertVerifyWarning = "ESPR2811";
    public const string OtaAllowHttpWarning = "ESPR2812";
    public const string SkipCommonNameCheckWarning = "ESPR2813";
    public const string HttpFirmwareUrlWarning = "ESPR2814";
    public const string WeakCertificateVerificationWarning = "ESPR2815";

    // The doctor (196x-199x errors, 296x-299x warnings): what the device prints, or would print, on
    // the OTA path; one code per cause, the same whether read from a serial log or predicted from the
    // project. 1960-1989 are the causes a log shows; 1990-1999 and 2990-2999 the project checks' own.
    public const string DeviceCaNotTrusted = "ESPR1960";
    public const string DeviceNameMismatch = "ESPR1961";
    public const string DeviceCertificateDates = "ESPR1962";
    public const string DeviceTlsHandshake = "ESPR1963";
    public const string DeviceHostUnreachable = "ESPR1964";
    public const string DeviceConnectionRefused = "ESPR1965";
    public const string DeviceConnectionReset = "ESPR1966";
    public const string DeviceTimeout = "ESPR1967";
    public const string DeviceDnsFailed = "ESPR1968";
    public const string DeviceHttpConnect = "ESPR1969";
    public const string DeviceHttpStatus = "ESPR1970";
    public const string DeviceAzureAuthentication = "ESPR1971";
    public const string DeviceAzurePermission = "ESPR1972";
    public const string DeviceAzureNotFound = "ESPR1973";
    public const string DeviceInvalidMagic = "ESPR1974";
    public const string DeviceChipMismatch = "ESPR1975";
    public const string DeviceImageTooLarge = "ESPR1976";
    public const string DeviceOtaValidateFailed = "ESPR1977";
    public const string DeviceSecureVersionTooLow = "ESPR1978";
    public const string DeviceImageHeaderUnread = "ESPR1979";
    public const string DeviceContentLength = "ESPR1980";
    public const string DeviceRolledBack = "ESPR1981";
    public const string DeviceSecureBootSignature = "ESPR1982";
    public const string DeviceVerificationOff = "ESPR1983";
    public const string DeviceRequestTooLong = "ESPR1984";

    // The doctor's project-only checks (199x errors, 299x warnings): what only the project shows.
    public const string DoctorVersionLost = "ESPR1990";
    public const string DoctorCaExpires = "ESPR2990";
    public const string DoctorBuildCaDiffers = "ESPR2991";

    // Causes only a serial log shows (the doctor's log half): 1985-1989 errors, 2960-2969 warnings.
    public const string DeviceCertificateUsage = "ESPR1985";
    public const string DeviceCertificateAlgorithm = "ESPR1986";
    public const string DeviceCaFileInvalid = "ESPR1987";
    public const string DeviceRedirectFailed = "ESPR1988";
    public const string DeviceRangeIgnored = "ESPR2960";
    public const string DeviceCaPartlyParsed = "ESPR2961";

    // Certificates and TLS (19xx).
    public const string CertificateFileInvalid = "ESPR1901";
    public const string CertificateNotTrusted = "ESPR1902";
    public const string CertificateNameMismatch = "ESPR1903";
    public const string CertificateUsage = "ESPR1904";
    public const string CertificateDates = "ESPR1905";
    public const string CaFileWouldNotVerify = "ESPR1906";
    public const string ServerUnreachable = "ESPR1907";
    public const string NoTrustedRoot = "ESPR1908";
    public const string CaFileNotFound = "ESPR1909";
    public const string NoPemInImage = "ESPR1910";

    // Talking to a server the device's way (192x): each names the step, the address and the device's log line.
    public const string ServerWrongFamily = "ESPR1920";
    public const string HostNotFound = "ESPR1921";
    public const string TlsHandshakeFailed = "ESPR1922";
    public const string ServerNoResponse = "ESPR1923";
    public const string ResponseIncomplete = "ESPR1924";
    public const string DeviceUrlNotHttps = "ESPR1925";

    // The tool itself: a fault of esp-release, not of the input (never expected; reported instead of a stack trace).
    public const string InternalError = "ESPR1099";

    // Warnings (2xxx).
    public const string SignatureSchemeUnsupportedByChip = "ESPR2101";
    public const string AppSlotNearlyFull = "ESPR2301";
    public const string NoOtaSlots = "ESPR2302";
    public const string BuildOfAnotherProject = "ESPR2303";
    public const string PartitionUnknownFlags = "ESPR2201";
    public const string SecureVersionIncreased = "ESPR2401";
    public const string OrderingSkipped = "ESPR2402";
    public const string ServerOmitsIntermediate = "ESPR2901";
    public const string RootExpiresInLifetime = "ESPR2902";
    public const string IntermediateAnchor = "ESPR2903";
    public const string CertificateDatesIgnored = "ESPR2904";
    public const string ServerAnswerFailed = "ESPR2920";
}
