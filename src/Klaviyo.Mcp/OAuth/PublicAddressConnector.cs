using System.Net;
using System.Net.Sockets;

namespace Klaviyo.Mcp.OAuth;

/// <summary>
/// The SSRF guard of client id metadata document fetches: a <see cref="SocketsHttpHandler.ConnectCallback"/> that
/// resolves the host itself, drops every address that is not public (loopback, private RFC 1918 and fc00::/7,
/// link-local 169.254/16 and fe80::/10, unspecified, multicast, broadcast, reserved 240/4 and 192.0.0/24, benchmarking
/// 198.18/15, carrier-grade NAT 100.64/10, 0/8, local-use NAT64 64:ff9b:1::/48, discard-only 100::/64, and the IPv4
/// forms of these inside IPv6: IPv4-mapped, IPv4-compatible, NAT64 and 6to4) and connects only to one that is left. The address checked is the address
/// connected to, so a name that answers a public address first and a private one next (DNS rebinding) gains nothing.
/// Loopback is allowed only when the operator allows loopback clients (tests); the other kinds never are.
/// </summary>
public sealed class PublicAddressConnector(bool allowLoopback)
{
    /// <summary>Connects to the first public address of the request's host, or throws <see cref="NonPublicAddressException"/> without connecting.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        var allowed = addresses.Where(a => Refusal(a) is null).ToArray();
        if (allowed.Length == 0)
        {
            throw new NonPublicAddressException(host, addresses.Select(Refusal).FirstOrDefault(r => r is not null) ?? "no address");
        }

        Exception? last = null;
        foreach (var address in allowed)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw new HttpRequestException(HttpRequestError.ConnectionError, $"Could not connect to {host}.", last);
    }

    /// <summary>Why <paramref name="address"/> may not be fetched from (what kind of address it is), or null when it may.</summary>
    public string? Refusal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address))
        {
            return allowLoopback ? null : "a loopback address";
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> b = stackalloc byte[4];
            address.TryWriteBytes(b, out _);
            return b[0] switch
            {
                0 => "an unspecified address",
                10 => "a private address",
                100 when (b[1] & 0xC0) == 64 => "a carrier-grade NAT address",
                169 when b[1] == 254 => "a link-local address",
                192 when b[1] == 0 && b[2] == 0 => "a reserved address",
                198 when (b[1] & 0xFE) == 18 => "a benchmarking address",
                172 when (b[1] & 0xF0) == 16 => "a private address",
                192 when b[1] == 168 => "a private address",
                >= 224 and <= 239 => "a multicast address",
                255 when address.Equals(IPAddress.Broadcast) => "the broadcast address",
                >= 240 => "a reserved address",
                _ => null,
            };
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            Span<byte> b = stackalloc byte[16];
            address.TryWriteBytes(b, out _);
            // Forms that reach an IPv4 address: that address is judged. NAT64 (64:ff9b::/96) and IPv4-compatible (::/96,
            // not :: or ::1) carry it in the last four bytes, 6to4 (2002::/16) in the two bytes after the prefix.
            if (b[..12].SequenceEqual((ReadOnlySpan<byte>)[0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0])
                || (b[..12].IndexOfAnyExcept((byte)0) < 0 && !address.Equals(IPAddress.IPv6Any) && !address.Equals(IPAddress.IPv6Loopback)))
            {
                return Refusal(new IPAddress(b[12..]));
            }

            if (b[0] == 0x20 && b[1] == 0x02)
            {
                return Refusal(new IPAddress(b[2..6]));
            }

            // Local-use NAT64 (64:ff9b:1::/48) reaches a network of its own; 100::/64 discards.
            if (b[..6].SequenceEqual((ReadOnlySpan<byte>)[0x00, 0x64, 0xff, 0x9b, 0x00, 0x01]))
            {
                return "a local-use NAT64 address";
            }

            if (b[..8].SequenceEqual((ReadOnlySpan<byte>)[0x01, 0x00, 0, 0, 0, 0, 0, 0]))
            {
                return "a discard-only address";
            }

            return address.Equals(IPAddress.IPv6None) || address.Equals(IPAddress.IPv6Any) ? "an unspecified address"
                : address.IsIPv6Multicast ? "a multicast address"
                : address.IsIPv6LinkLocal || address.IsIPv6SiteLocal ? "a link-local address"
                : (b[0] & 0xFE) == 0xFC ? "a private address"
                : null;
        }

        return "an address that is neither IPv4 nor IPv6";
    }
}
