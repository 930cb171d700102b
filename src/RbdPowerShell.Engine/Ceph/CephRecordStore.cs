using System.Text;
using RbdPowerShell.Engine.Ceph.Native;

namespace RbdPowerShell.Engine.Ceph;

/// <summary>
/// Records inside the cluster: the omap of one RADOS object (<see cref="ObjectName"/>) in the connection's record
/// pool and namespace. Every write is one atomic write op; hosts sharing the cluster share the records.
/// </summary>
internal sealed unsafe class CephRecordStore : IRecordStore
{
    public const string ObjectName = "rbdpowershell.records";
    private const int Page = 512;
    private readonly CephCluster _cluster;
    private readonly string _pool;

    public CephRecordStore(CephCluster cluster, string pool)
    {
        _cluster = cluster;
        _pool = pool;
    }

    private IoCtxHandle IoCtx()
    {
        try { return _cluster.IoCtx(_pool); }
        catch (RbdException ex) when (ex.ErrorId == "PoolNotFound")
        {
            throw new RbdException(RbdErrno.ENOENT, _pool,
                $"The pool '{_pool}' that keeps this cluster's OpenStack records does not exist in this view of the cluster. " +
                $"Create it with New-RbdPool {_pool}, or connect with -RecordPool <pool>.") { ErrorId = "RecordPoolNotFound" };
        }
    }

    public string? Get(string key) => List(key).FirstOrDefault(r => r.Key == key).Value;

    public IReadOnlyList<KeyValuePair<string, string>> List(string prefix)
    {
        var io = IoCtx();
        var result = new List<KeyValuePair<string, string>>();
        string? after = null;
        while (true)
        {
            var op = Rados.rados_create_read_op();
            try
            {
                byte more = 0;
                int valuesResult = 0;
                Rados.rados_read_op_omap_get_vals2(op, after, prefix, Page, out var iterator, &more, &valuesResult);
                int rc = Rados.rados_read_op_operate(op, io, ObjectName, 0);
                if (rc == -2) return result;
                CephErrors.Check(rc, "Reading the records in", _pool);
                CephErrors.Check(valuesResult, "Reading the records in", _pool);
                try
                {
                    while (Rados.rados_omap_get_next2(iterator, out var key, out var value, out var keyLength, out var valueLength) == 0 && key != null)
                        result.Add(new(Encoding.UTF8.GetString(key, (int)keyLength), Encoding.UTF8.GetString(value, (int)valueLength)));
                }
                finally { Rados.rados_omap_get_end(iterator); }
                if (more == 0 || result.Count == 0) return result;
                after = result[^1].Key;
            }
            finally { Rados.rados_release_read_op(op); }
        }
    }

    public void Put(string key, string value)
    {
        byte[] k = Encoding.UTF8.GetBytes(key), v = Encoding.UTF8.GetBytes(value);
        var op = Rados.rados_create_write_op();
        try
        {
            fixed (byte* kp = k, vp = v)
            {
                byte* keys = kp, values = vp;
                nuint keyLength = (nuint)k.Length, valueLength = (nuint)v.Length;
                Rados.rados_write_op_omap_set2(op, &keys, &values, &keyLength, &valueLength, 1);
                Operate(op, "Saving a record in");
            }
        }
        finally { Rados.rados_release_write_op(op); }
    }

    public void Delete(string key)
    {
        byte[] k = Encoding.UTF8.GetBytes(key);
        var op = Rados.rados_create_write_op();
        try
        {
            fixed (byte* kp = k)
            {
                byte* keys = kp;
                nuint keyLength = (nuint)k.Length;
                Rados.rados_write_op_omap_rm_keys2(op, &keys, &keyLength, 1);
                Operate(op, "Removing a record from");
            }
        }
        finally { Rados.rados_release_write_op(op); }
    }

    /// <summary>Runs a write op while its key and value buffers are still pinned.</summary>
    private void Operate(IntPtr op, string operation) =>
        CephErrors.Check(Rados.rados_write_op_operate(op, IoCtx(), ObjectName, IntPtr.Zero, 0), operation, _pool);

    public void Dispose() { }
}
