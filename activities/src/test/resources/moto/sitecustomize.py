# Loaded by moto_server's Python (MotoServerExtension puts this folder on PYTHONPATH). Three moto 5 gaps, nothing else:
# 1. moto_server registers a service's CloudFormation resource types only once that service has been called, so a
#    stack with an AWS::KMS::Key fails on a fresh server; importing the models registers them up front.
# 2. moto ignores AWS::SageMaker::Endpoint's EndpointName property and invents a name; real CloudFormation honours it,
#    and the adapters rely on the deterministic name, so the property is honoured here too.
# 3. moto rebuilds an endpoint from its new config on every stack update; real SageMaker, given
#    RetainAllVariantProperties: true, keeps the live weight and instance count of every variant the old and the new
#    config share (UpdateEndpoint API reference), so those are carried over here too.
try:
    import moto.kms.models, moto.cloudwatch.models, moto.iam.models, moto.s3.models, moto.sns.models  # noqa: F401
    import moto.sagemaker.models as _sagemaker

    _sagemaker.FakeEndpoint.cloudformation_name_type = staticmethod(lambda: "EndpointName")

    _update_endpoint = _sagemaker.FakeEndpoint.update_from_cloudformation_json.__func__

    def _update_retaining(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
        old = {v["VariantName"]: v for v in original_resource.production_variants}
        new = _update_endpoint(cls, original_resource, new_resource_name, cloudformation_json, account_id,
                               region_name)
        retain = cloudformation_json.get("Properties", {}).get("RetainAllVariantProperties")
        if str(retain).lower() == "true":
            for v in new.production_variants:
                kept = old.get(v["VariantName"])
                if kept is not None:
                    for key in ("CurrentWeight", "DesiredWeight", "CurrentInstanceCount", "DesiredInstanceCount"):
                        if key in kept:
                            v[key] = kept[key]
                        else:
                            v.pop(key, None)
        return new

    _sagemaker.FakeEndpoint.update_from_cloudformation_json = classmethod(_update_retaining)
except Exception as e:  # a newer moto may have changed; the tests then show what broke
    import sys

    print("safedeploy moto shim not applied: %r" % (e,), file=sys.stderr)
