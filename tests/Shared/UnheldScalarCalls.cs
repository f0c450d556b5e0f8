using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace NasRec.Tests;

/// <summary>
/// TorchSharp turns a number passed to a tensor operation into a native object that nothing holds during the call, so
/// the finalizer can free it while libtorch reads it (NasRec.Runtime.Tensors.Scalars). This reads TorchSharp's compiled
/// code for the methods that do that, directly or through another, and an assembly's compiled code for calls to them.
/// </summary>
internal static class UnheldScalarCalls
{
    private static readonly ConcurrentDictionary<string, HashSet<string>> UnheldByTorchSharp = new();

    /// <summary>
    /// "Type::Method calls Target" for each call in the assembly at <paramref name="assemblyPath"/> of a TorchSharp
    /// method that hands libtorch a number nothing holds, or of an implicit conversion of a number to a <c>Tensor</c>
    /// (a native tensor nothing holds either). The TorchSharp read is the one beside the assembly, as it runs; an
    /// assembly that references no TorchSharp calls none.
    /// </summary>
    public static IReadOnlyList<string> In(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        if (!metadata.AssemblyReferences.Any(handle => metadata.GetString(metadata.GetAssemblyReference(handle).Name) == "TorchSharp"))
            return [];
        var unheld = UnheldByTorchSharp.GetOrAdd(Path.Combine(Path.GetDirectoryName(assemblyPath)!, "TorchSharp.dll"), UnheldConversions);
        return CallsOf(unheld, pe, metadata).ToList();
    }

    /// <summary>
    /// TorchSharp's methods, as "Type::name(parameter types)", that make a Scalar from a number outside a try/finally
    /// (which is how a <c>using</c> holds it), or call such a method; the implicit conversion itself among them.
    /// </summary>
    private static HashSet<string> UnheldConversions(string torchSharp)
    {
        using var stream = File.OpenRead(torchSharp);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var conversions = new HashSet<int>();
        var bodies = new List<(int Token, List<int> Calls, bool Holds)>();
        foreach (var handle in metadata.MethodDefinitions)
        {
            var method = metadata.GetMethodDefinition(handle);
            string type = metadata.GetString(metadata.GetTypeDefinition(method.GetDeclaringType()).Name), name = metadata.GetString(method.Name);
            if ((type, name) is ("Scalar", "op_Implicit") || (type == "ScalarExtensionMethods" && name.StartsWith("To", StringComparison.Ordinal) && name.EndsWith("Scalar", StringComparison.Ordinal)))
                conversions.Add(MetadataTokens.GetToken(handle));
            if (method.RelativeVirtualAddress == 0) continue;
            var body = pe.GetMethodBody(method.RelativeVirtualAddress);
            bodies.Add((MetadataTokens.GetToken(handle), CallTargets(body.GetILReader()).ToList(), body.ExceptionRegions.Length > 0));
        }
        var unheld = new HashSet<int>(conversions.Where(token => Key(metadata, token).StartsWith("Scalar::", StringComparison.Ordinal)));
        for (bool grown = true; grown;)
        {
            grown = false;
            foreach (var (token, calls, holds) in bodies)
            {
                if (unheld.Contains(token)) continue;
                if (calls.Any(target => unheld.Contains(target) || (conversions.Contains(target) && !holds)))
                    grown = unheld.Add(token) | grown;
            }
        }
        return unheld.Select(token => Key(metadata, token)).ToHashSet();
    }

    private static IEnumerable<string> CallsOf(HashSet<string> unheld, PEReader pe, MetadataReader metadata)
    {
        var flagged = new Dictionary<int, string>();
        foreach (var handle in metadata.MemberReferences)
        {
            var member = metadata.GetMemberReference(handle);
            if (member.Parent.Kind != HandleKind.TypeReference || member.GetKind() != MemberReferenceKind.Method) continue;
            string type = metadata.GetString(metadata.GetTypeReference((TypeReferenceHandle)member.Parent).Name);
            var parameters = member.DecodeMethodSignature(new TypeNames(), null).ParameterTypes;
            string key = $"{type}::{metadata.GetString(member.Name)}({string.Join(", ", parameters)})";
            if (unheld.Contains(key) || (type, metadata.GetString(member.Name)) is ("Tensor", "op_Implicit") && parameters.Any(TypeNames.IsNumber))
                flagged[MetadataTokens.GetToken(handle)] = key;
        }
        foreach (var typeHandle in metadata.TypeDefinitions)
        {
            var type = metadata.GetTypeDefinition(typeHandle);
            // Named by the type it is written in: a lambda or an async method compiles to types nested in it.
            var outermost = type;
            while (!outermost.GetDeclaringType().IsNil) outermost = metadata.GetTypeDefinition(outermost.GetDeclaringType());
            string typeName = metadata.GetString(outermost.Name);
            foreach (var methodHandle in type.GetMethods())
            {
                var method = metadata.GetMethodDefinition(methodHandle);
                if (method.RelativeVirtualAddress == 0) continue;
                foreach (int target in CallTargets(pe.GetMethodBody(method.RelativeVirtualAddress).GetILReader()))
                    if (flagged.TryGetValue(target, out var key)) yield return $"{typeName}::{metadata.GetString(method.Name)} calls {key}";
            }
        }
    }

    private static string Key(MetadataReader metadata, int token)
    {
        var method = metadata.GetMethodDefinition(MetadataTokens.MethodDefinitionHandle(token & 0xFFFFFF));
        string type = metadata.GetString(metadata.GetTypeDefinition(method.GetDeclaringType()).Name);
        return $"{type}::{metadata.GetString(method.Name)}({string.Join(", ", method.DecodeSignature(new TypeNames(), null).ParameterTypes)})";
    }

    /// <summary>The tokens that the call, callvirt and newobj instructions of a method body name.</summary>
    private static IEnumerable<int> CallTargets(BlobReader il)
    {
        var targets = new List<int>();
        while (il.RemainingBytes > 0)
        {
            var opCode = ReadOpCode(ref il);
            if (opCode is ILOpCode.Call or ILOpCode.Callvirt or ILOpCode.Newobj) targets.Add(il.ReadInt32());
            else SkipOperand(ref il, opCode);
        }
        return targets;
    }

    private static ILOpCode ReadOpCode(ref BlobReader il)
    {
        byte first = il.ReadByte();
        return first == 0xFE ? (ILOpCode)(0xFE00 | il.ReadByte()) : (ILOpCode)first;
    }

    private static void SkipOperand(ref BlobReader il, ILOpCode opCode)
    {
        switch (opCode)
        {
            case ILOpCode.Switch:
                il.Offset += 4 * il.ReadInt32();
                break;
            case ILOpCode.Ldc_i8 or ILOpCode.Ldc_r8:
                il.Offset += 8;
                break;
            case ILOpCode.Ldarg_s or ILOpCode.Ldarga_s or ILOpCode.Starg_s or ILOpCode.Ldloc_s or ILOpCode.Ldloca_s or ILOpCode.Stloc_s
                or ILOpCode.Ldc_i4_s or ILOpCode.Unaligned
                or (>= ILOpCode.Br_s and <= ILOpCode.Blt_un_s) or ILOpCode.Leave_s:
                il.Offset += 1;
                break;
            case ILOpCode.Ldarg or ILOpCode.Ldarga or ILOpCode.Starg or ILOpCode.Ldloc or ILOpCode.Ldloca or ILOpCode.Stloc:
                il.Offset += 2;
                break;
            case ILOpCode.Ldc_i4 or ILOpCode.Ldc_r4 or (>= ILOpCode.Br and <= ILOpCode.Blt_un) or ILOpCode.Leave
                or ILOpCode.Jmp or ILOpCode.Calli or ILOpCode.Ldstr or ILOpCode.Ldtoken or ILOpCode.Ldftn or ILOpCode.Ldvirtftn
                or ILOpCode.Cpobj or ILOpCode.Ldobj or ILOpCode.Castclass or ILOpCode.Isinst or ILOpCode.Unbox or ILOpCode.Unbox_any
                or ILOpCode.Ldfld or ILOpCode.Ldflda or ILOpCode.Stfld or ILOpCode.Ldsfld or ILOpCode.Ldsflda or ILOpCode.Stsfld
                or ILOpCode.Stobj or ILOpCode.Box or ILOpCode.Newarr or ILOpCode.Ldelema or ILOpCode.Ldelem or ILOpCode.Stelem
                or ILOpCode.Refanyval or ILOpCode.Mkrefany or ILOpCode.Initobj or ILOpCode.Constrained or ILOpCode.Sizeof:
                il.Offset += 4;
                break;
        }
    }

    /// <summary>Parameter types by name, enough to tell numbers apart.</summary>
    private sealed class TypeNames : ISignatureTypeProvider<string, object?>
    {
        public static bool IsNumber(string type) => type is "Byte" or "SByte" or "Int16" or "Int32" or "Int64" or "Single" or "Double" or "Boolean";

        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();
        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => reader.GetString(reader.GetTypeDefinition(handle).Name);
        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => reader.GetString(reader.GetTypeReference(handle).Name);
        public string GetTypeFromSpecification(MetadataReader reader, object? context, TypeSpecificationHandle handle, byte rawTypeKind) => "spec";
        public string GetSZArrayType(string elementType) => elementType + "[]";
        public string GetArrayType(string elementType, ArrayShape shape) => elementType + "[,]";
        public string GetByReferenceType(string elementType) => elementType + "&";
        public string GetPointerType(string elementType) => elementType + "*";
        public string GetPinnedType(string elementType) => elementType;
        public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;
        public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) => genericType;
        public string GetGenericTypeParameter(object? context, int index) => "!" + index;
        public string GetGenericMethodParameter(object? context, int index) => "!!" + index;
        public string GetFunctionPointerType(MethodSignature<string> signature) => "fnptr";
    }
}
